package io.chatopshub.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Who holds a lease or claim in the shared store: this instance (named by a file in its data
 * directory, so the name survives restarts) in this life (a fresh id per start).
 *
 * <p>Leases left behind by a process that was killed would otherwise block their work until they
 * expire. When the same instance starts again it knows that every lease with its name but another
 * life's id belongs to a process that no longer runs, and can take it over at once; leases of
 * other instances still wait for their expiry, because those may be alive.
 */
public final class HubInstance {

    private final String name;
    private final String life;

    public HubInstance(String name, String life) {
        if (name.isBlank() || name.contains("|") || name.contains("/") || life.contains("|") || life.contains("/")) {
            throw new IllegalArgumentException("instance name and life must be non-blank, without '|' or '/'");
        }
        this.name = name;
        this.life = life;
    }

    /** The instance named in {@code dataDir/instance-id} (written on first start), in a new life. */
    public static HubInstance of(Path dataDir) {
        Path file = dataDir.resolve("instance-id");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dataDir);
                Files.writeString(file, UUID.randomUUID() + "\n", StandardCharsets.UTF_8);
            }
            return new HubInstance(Files.readString(file, StandardCharsets.UTF_8).strip(), UUID.randomUUID().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    /** An instance that shares its name with no other, as in tests and one-off tools. */
    public static HubInstance transientInstance() {
        return new HubInstance(UUID.randomUUID().toString(), UUID.randomUUID().toString());
    }

    /** {@code name/life}: the owner written into leases; never contains {@code |}. */
    public String owner() {
        return name + "/" + life;
    }

    /** True when {@code owner} is this instance in an earlier life, a process that has ended. */
    public boolean isEarlierLife(String owner) {
        return owner != null && owner.startsWith(name + "/") && !owner.equals(owner());
    }

    @Override
    public String toString() {
        return owner();
    }
}
