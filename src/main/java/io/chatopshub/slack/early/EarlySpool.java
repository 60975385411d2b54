package io.chatopshub.slack.early;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.chatopshub.slack.socket.EnvelopeKind;
import io.chatopshub.system.Json;
import io.chatopshub.system.inbound.Delivery;

/**
 * The early edge's durable queue: one file per delivery (Slack's, or a webhook's) accepted before the hub was up, in
 * {@code {data-dir}/early-edge/}, named by the delivery id (a retried delivery lands on the same
 * file). A file is written whole and flushed to disk under a temporary name, then renamed into
 * place and the folder flushed, so after a crash a file is either complete or absent. Files are
 * taken in the order they were received and removed once the hub has queued their work.
 *
 * <p>Written by hand because nothing the hub already carries fits a queue that must exist before
 * Spring, the embedded broker and the state store do: the broker's journal and the H2 store both
 * take their file locks when the hub starts, which is what the early edge must not wait for.
 */
public final class EarlySpool {

    static final String FOLDER = "early-edge";
    private static final String SUFFIX = ".json";
    private static final String TEMPORARY = ".incoming-";
    private static final String HOOK = "HOOK";

    private final Path folder;

    public EarlySpool(Path dataDir) {
        this.folder = dataDir.resolve(FOLDER);
    }

    /**
     * A delivery taken by the early edge and not yet handed to the hub: a Slack one ({@code kind},
     * its payload as Slack sent it) or what a webhook's kind read ({@code hookPath}, e.g.
     * {@code /hooks/mackerel}: the delivery's body, its fields, and the queue it names, if any); one
     * of {@code kind} and {@code hookPath} is null.
     */
    public record Entry(Path file, EnvelopeKind kind, String hookPath, String deliveryId, String payload,
                        Map<String, String> fields, String queue, Instant receivedAt) {
    }

    /**
     * Writes a Slack delivery durably. Returns false when a delivery with this id is already waiting
     * (Slack's retry of one the early edge took): nothing is written then.
     *
     * @throws IOException when it could not be made durable (disk full, folder not writable)
     */
    public boolean write(EnvelopeKind kind, String deliveryId, String payload, Instant receivedAt) throws IOException {
        return write(kind.name(), Map.of(), deliveryId, payload, receivedAt);
    }

    /** Writes what a webhook's kind read from a delivery to {@code path} durably, as {@link #write} does. */
    public boolean writeHook(String path, Delivery delivery, Instant receivedAt) throws IOException {
        Map<String, Object> hook = new LinkedHashMap<>();
        hook.put("path", path);
        hook.put("fields", delivery.fields());
        if (delivery.queue() != null) {
            hook.put("queue", delivery.queue());
        }
        return write(HOOK, hook, delivery.id(), delivery.body(), receivedAt);
    }

    private boolean write(String kind, Map<String, Object> hook, String deliveryId, String payload, Instant receivedAt)
            throws IOException {
        Files.createDirectories(folder);
        Path target = folder.resolve(fileName(deliveryId));
        if (Files.exists(target)) {
            return false;
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("kind", kind);
        record.putAll(hook);
        record.put("deliveryId", deliveryId);
        record.put("receivedAt", receivedAt.toString());
        record.put("payload", payload);
        Path temporary = folder.resolve(TEMPORARY + UUID.randomUUID());
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(Json.write(record).getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target);
            }
            forceFolder();
            return true;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * What is waiting, oldest first. Half-written files of a process that died while writing are
     * removed: their delivery was never answered, so its sender tries again.
     */
    public List<Entry> waiting() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.startsWith(TEMPORARY)) {
                    Files.deleteIfExists(file);
                } else if (name.endsWith(SUFFIX)) {
                    Entry entry = read(file);
                    if (entry != null) {
                        entries.add(entry);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder, e);
        }
        entries.sort(Comparator.comparing(Entry::receivedAt).thenComparing(e -> e.file().getFileName().toString()));
        return entries;
    }

    /** Removes a delivery once the hub has taken it (or it can never be taken). */
    public void remove(Entry entry) {
        try {
            Files.deleteIfExists(entry.file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + entry.file(), e);
        }
    }

    public Path folder() {
        return folder;
    }

    /** The record in a file, or null when it is gone or is not one (then it is set aside as *.unreadable). */
    private static Entry read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException gone) {
            return null;
        }
        try {
            ObjectNode record = Json.readObject(bytes);
            String kind = Json.text(record, "kind");
            String path = HOOK.equals(kind) ? Objects.requireNonNull(Json.text(record, "path")) : null;
            Map<String, String> fields = new LinkedHashMap<>();
            if (record.get("fields") instanceof ObjectNode stored) {
                stored.properties().forEach(field -> fields.put(field.getKey(), field.getValue().asText()));
            }
            return new Entry(file, path == null ? EnvelopeKind.valueOf(kind) : null, path, Json.text(record, "deliveryId"),
                    Json.text(record, "payload"), Map.copyOf(fields), Json.text(record, "queue"),
                    Instant.parse(Json.text(record, "receivedAt")));
        } catch (RuntimeException e) {
            // written whole by write(): only a file put here by hand can be unreadable; kept aside, not lost
            Files.move(file, file.resolveSibling(file.getFileName() + ".unreadable"), StandardCopyOption.REPLACE_EXISTING);
            return null;
        }
    }

    private void forceFolder() throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot flush a folder; the file itself is already on disk
        }
    }

    private static String fileName(String deliveryId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(deliveryId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 20) + SUFFIX;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
