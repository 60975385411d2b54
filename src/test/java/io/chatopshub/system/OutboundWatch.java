package io.chatopshub.system;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.Permission;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Starts a main class in a JVM where every outbound connection and every name lookup is written
 * to a file before it happens: the JVM's one hook that every socket passes through
 * ({@code SecurityManager.checkConnect}, called by {@code Socket.connect}, {@code SocketChannel.connect}
 * and {@code InetAddress} lookups), so no client library can go around it: the Slack SDK's OkHttp,
 * the JDK HttpClient, Spring's RestClient, camel-http's Apache client and the AWS SDK all open
 * their sockets through these. Everything is allowed; only connections to this machine are left
 * out of the file: loopback, the wildcard address and this machine's own addresses.
 *
 * <p>Run as {@code java -Djava.security.manager=allow -Dchatops.test.outbound-log=<file>
 * io.chatopshub.system.OutboundWatch <main class> <args…>}. The hook is deprecated and gone from
 * JDK 24 on; the project builds on JDK 17, where it is complete. Should the build move past 23,
 * JFR's {@code jdk.SocketConnect} event (JDK 22+) records the same connections.
 */
public final class OutboundWatch extends SecurityManager {

    private static final ThreadLocal<Boolean> WRITING = ThreadLocal.withInitial(() -> false);

    private final Path log;
    private final Set<String> local;

    private OutboundWatch(Path log, Set<String> local) {
        this.log = log;
        this.local = local;
    }

    public static void main(String[] args) throws Exception {
        Path log = Path.of(System.getProperty("chatops.test.outbound-log"));
        Files.writeString(log, "", StandardCharsets.UTF_8);
        Set<String> local = new java.util.HashSet<>(Set.of("localhost", "127.0.0.1", "::1", "0:0:0:0:0:0:0:1", "0.0.0.0",
                "0:0:0:0:0:0:0:0", "::", System.getProperty("chatops.test.local-host-name", "localhost")));
        // this machine's own addresses (Tomcat wakes its acceptor through one when it stops)
        for (var network : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (var address : java.util.Collections.list(network.getInetAddresses())) {
                local.add(address.getHostAddress().replaceFirst("%.*$", ""));
            }
        }
        System.setSecurityManager(new OutboundWatch(log, local));
        Class.forName(args[0]).getMethod("main", String[].class).invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }

    @Override
    public void checkPermission(Permission permission) {
        // everything is allowed: this only watches
    }

    @Override
    public void checkPermission(Permission permission, Object context) {
        // everything is allowed: this only watches
    }

    @Override
    public void checkConnect(String host, int port) {
        record(host, port);
    }

    @Override
    public void checkConnect(String host, int port, Object context) {
        record(host, port);
    }

    private void record(String host, int port) {
        String bare = (host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host)
                .replaceFirst("%.*$", "");
        if (local.contains(bare) || bare.startsWith("127.") || WRITING.get()) {
            return;
        }
        WRITING.set(true);
        try {
            String caller = StackWalker.getInstance().walk(frames -> frames.map(f -> f.getClassName() + "." + f.getMethodName())
                    .filter(name -> !name.startsWith("java.") && !name.startsWith("sun.") && !name.startsWith("jdk.")
                            && !name.startsWith(OutboundWatch.class.getName()))
                    .limit(6).collect(Collectors.joining(" < ")));
            String line = "OUTBOUND " + (port < 0 ? "lookup " + bare : "connect " + bare + ":" + port) + " from " + caller + "\n";
            Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            System.err.print(line);
        } catch (IOException e) {
            System.err.println("OUTBOUND (not recorded: " + e + ") " + bare + ":" + port);
        } finally {
            WRITING.set(false);
        }
    }

    /** This machine's own name, which the hub may look up; it is loopback for the test. */
    static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
