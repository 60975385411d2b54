package io.chatopshub.system.inbound;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** A client that announced a 1,000-byte body and sends it one byte at a time. */
final class Trickler {

    final SocketChannel channel;
    private final StringBuilder answer = new StringBuilder();
    private volatile boolean closed;

    Trickler(int port, String path) throws IOException {
        channel = SocketChannel.open(new InetSocketAddress("localhost", port));
        String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "X-Slack-Request-Timestamp: 1\r\nX-Slack-Signature: v0=00\r\nContent-Length: 1000\r\n\r\n{";
        channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
        channel.configureBlocking(false);
    }

    synchronized void oneMoreByte() {
        if (!closed) {
            try {
                channel.write(ByteBuffer.wrap(new byte[] { ' ' }));
            } catch (IOException e) {
                // the hub closed it; closed() reads what it answered
            }
        }
    }

    /** True once the hub has closed the connection (reading what it answered before). */
    synchronized boolean closed() {
        if (closed) {
            return true;
        }
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        try {
            int n;
            while ((n = channel.read(buffer)) > 0) {
                answer.append(new String(buffer.array(), 0, n, StandardCharsets.US_ASCII));
                buffer.clear();
            }
            closed = n < 0;
        } catch (IOException e) {
            closed = true;
        }
        return closed;
    }

    synchronized String answer() {
        return answer.toString();
    }
}
