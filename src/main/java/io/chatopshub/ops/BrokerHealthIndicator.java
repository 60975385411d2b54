package io.chatopshub.ops;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The broker as a readiness condition that answers quickly whatever the broker does. Opening a
 * JMS connection to a broker that is gone can take tens of seconds (the client's connect timeout,
 * and every listener of the hub trying to reconnect through the same connection factory), longer
 * than any probe waits; so the check runs on a thread of its own and the probe gets DOWN as soon
 * as the check has taken longer than {@code patience}. A result is reused for {@code maxAge}.
 */
class BrokerHealthIndicator implements HealthIndicator, DisposableBean {

    private final HealthIndicator check;
    private final Duration maxAge;
    private final Duration patience;
    private final Clock clock;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "broker-health");
        thread.setDaemon(true);
        return thread;
    });
    private Health last;
    private long lastAt;
    private CompletableFuture<Health> pending;

    BrokerHealthIndicator(HealthIndicator check, Duration maxAge, Duration patience, Clock clock) {
        this.check = check;
        this.maxAge = maxAge;
        this.patience = patience;
        this.clock = clock;
    }

    @Override
    public Health health() {
        CompletableFuture<Health> running;
        synchronized (this) {
            if (pending != null && pending.isDone()) {
                remember(pending);
            }
            if (pending == null && (last == null || clock.millis() - lastAt >= maxAge.toMillis())) {
                pending = CompletableFuture.supplyAsync(check::health, executor);
            }
            running = pending;
            if (running == null) {
                return last;
            }
        }
        try {
            running.get(patience.toMillis(), TimeUnit.MILLISECONDS);
            synchronized (this) {
                if (pending == running) {
                    remember(running);
                }
                return running.join();
            }
        } catch (TimeoutException slow) {
            return Health.down().withDetail("reason", "the broker did not answer within "
                    + patience.toMillis() + " ms").build();
        } catch (ExecutionException e) {
            return Health.down(e.getCause()).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.unknown().build();
        }
    }

    private void remember(CompletableFuture<Health> done) {
        last = done.join();
        lastAt = clock.millis();
        pending = null;
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }
}
