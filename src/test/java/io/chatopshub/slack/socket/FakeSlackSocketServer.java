package io.chatopshub.slack.socket;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

import io.chatopshub.system.Json;

/**
 * Slack's Socket Mode server as far as the hub sees it: says hello on every new connection,
 * sends envelopes, and records what comes back (the acks), on a free local port.
 */
class FakeSlackSocketServer extends WebSocketServer {

    private final CountDownLatch started = new CountDownLatch(1);
    final List<WebSocket> open = new CopyOnWriteArrayList<>();
    final AtomicInteger opened = new AtomicInteger();
    final BlockingQueue<ObjectNode> acks = new LinkedBlockingQueue<>();

    FakeSlackSocketServer() {
        super(new InetSocketAddress("127.0.0.1", 0));
        setReuseAddr(true);
    }

    void startAndWait() throws InterruptedException {
        start();
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the WebSocket stand-in did not start");
        }
    }

    String url() {
        return "ws://127.0.0.1:" + getPort() + "/link/?ticket=test";
    }

    @Override
    public void onStart() {
        started.countDown();
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        open.add(conn);
        opened.incrementAndGet();
        conn.send("{\"type\":\"hello\",\"num_connections\":" + open.size()
                + ",\"debug_info\":{\"host\":\"applink-test\",\"approximate_connection_time\":18060},"
                + "\"connection_info\":{\"app_id\":\"A0123\"}}");
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        open.remove(conn);
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        acks.add(Json.readObject(message));
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
    }

    /** An envelope as Slack frames it. */
    static String envelope(String type, String envelopeId, String payloadJson, int retryAttempt) {
        return "{\"envelope_id\":\"" + envelopeId + "\",\"payload\":" + payloadJson + ",\"type\":\"" + type
                + "\",\"accepts_response_payload\":" + !"events_api".equals(type) + ",\"retry_attempt\":" + retryAttempt
                + ",\"retry_reason\":\"" + (retryAttempt == 0 ? "" : "timeout") + "\"}";
    }
}
