package io.chatopshub.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatopshub.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DynamoDbStateStoreTests {

    private static final String TABLE = "dedup-store-tests";
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private MutableClock clock;
    private DynamoDbStateStore store;

    @BeforeAll
    static void createTable() {
        new DynamoDbStateStore(Dynalite.client(), TABLE, Clock.systemUTC()).ensureTable(true);
    }

    @BeforeEach
    void newStore() {
        // whole seconds, as DynamoDB stores expiry; starting at the real time keeps items unexpired on the test server
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        store = new DynamoDbStateStore(Dynalite.client(), TABLE, clock);
    }

    @Test
    void firstClaimWinsAndStoresItsValue() {
        String key = key();

        assertThat(store.claim(key, "first", MINUTE)).isTrue();
        assertThat(store.get(key)).contains("first");
    }

    @Test
    void secondClaimOfALiveKeyLosesAndKeepsTheFirstValue() {
        String key = key();
        store.claim(key, "first", MINUTE);

        assertThat(store.claim(key, "second", MINUTE)).isFalse();
        assertThat(store.get(key)).contains("first");
    }

    @Test
    void keyStaysClaimedUntilItsExpirySecondAndCanBeClaimedAgainAfterIt() {
        String key = key();
        store.claim(key, "first", MINUTE);

        clock.advance(MINUTE);
        assertThat(store.claim(key, "second", MINUTE)).isFalse();

        clock.advance(Duration.ofSeconds(1));
        assertThat(store.claim(key, "second", MINUTE)).isTrue();
        assertThat(store.get(key)).contains("second");
    }

    @Test
    void ttlIsRoundedUpToWholeSecondsNeverShortened() {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS).plusMillis(900));
        store = new DynamoDbStateStore(Dynalite.client(), TABLE, clock);
        String key = key();
        store.claim(key, "v", Duration.ofMillis(200));

        clock.advance(Duration.ofMillis(200));
        assertThat(store.get(key)).contains("v");
    }

    @Test
    void getIgnoresAnExpiredItemTheTableStillHolds() {
        String key = key();
        store.put(key, "old", Duration.ofSeconds(10));

        clock.advance(Duration.ofSeconds(11));

        assertThat(store.get(key)).isEmpty();
        assertThat(rawItem(key)).containsEntry("val", AttributeValue.fromS("old"));
    }

    @Test
    void getOfAnUnknownKeyIsEmpty() {
        assertThat(store.get(key())).isEmpty();
    }

    @Test
    void putOverwritesALiveEntryAndItsExpiry() {
        String key = key();
        store.claim(key, "first", MINUTE);

        store.put(key, "second", Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(5));

        assertThat(store.get(key)).contains("second");
        assertThat(rawItem(key)).containsEntry("expiresAt",
                AttributeValue.fromN(Long.toString(clock.instant().plus(Duration.ofMinutes(5)).getEpochSecond())));
    }

    @Test
    void replaceSucceedsOnlyWhileTheValueIsStillTheExpectedOne() {
        String key = key();
        store.put(key, "open:ISSUE-1", MINUTE);

        assertThat(store.replace(key, "something-else", "closed", MINUTE)).isFalse();
        assertThat(store.get(key)).contains("open:ISSUE-1");

        assertThat(store.replace(key, "open:ISSUE-1", "commented:ISSUE-1", MINUTE)).isTrue();
        assertThat(store.get(key)).contains("commented:ISSUE-1");

        assertThat(store.replace(key, "open:ISSUE-1", "closed", MINUTE)).isFalse();
        assertThat(store.get(key)).contains("commented:ISSUE-1");
    }

    @Test
    void replaceDoesNotResurrectAnExpiredEntryOrCreateAMissingOne() {
        String expired = key();
        store.put(expired, "v1", Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(6));

        assertThat(store.replace(expired, "v1", "v2", MINUTE)).isFalse();
        assertThat(store.get(expired)).isEmpty();

        String missing = key();
        assertThat(store.replace(missing, "v1", "v2", MINUTE)).isFalse();
        assertThat(rawItem(missing)).isEmpty();
    }

    @Test
    void replaceRenewsTheExpiry() {
        String key = key();
        store.put(key, "v1", MINUTE);
        store.replace(key, "v1", "v2", Duration.ofMinutes(10));

        clock.advance(Duration.ofMinutes(5));

        assertThat(store.get(key)).contains("v2");
    }

    @Test
    void removeReportsWhetherALiveEntryWasThere() {
        String key = key();
        assertThat(store.remove(key)).isFalse();

        store.put(key, "v", MINUTE);
        assertThat(store.remove(key)).isTrue();
        assertThat(store.get(key)).isEmpty();
        assertThat(store.remove(key)).isFalse();
    }

    @Test
    void removeOfAnExpiredEntryDeletesItButReportsNothingLiveWasRemoved() {
        String key = key();
        store.put(key, "v", Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(6));

        assertThat(store.remove(key)).isFalse();
        assertThat(rawItem(key)).isEmpty();
    }

    @Test
    void twoInstancesRacingForTheSameKeyExactlyOneWinsEveryTime() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (DynamoDbClient clientA = Dynalite.newClient(); DynamoDbClient clientB = Dynalite.newClient()) {
            StateStore hubA = new DynamoDbStateStore(clientA, TABLE, clock);
            StateStore hubB = new DynamoDbStateStore(clientB, TABLE, clock);
            for (int round = 0; round < 50; round++) {
                String key = key();
                CyclicBarrier start = new CyclicBarrier(2);
                Future<Boolean> a = threads.submit(racer(start, () -> hubA.claim(key, "A", MINUTE)));
                Future<Boolean> b = threads.submit(racer(start, () -> hubB.claim(key, "B", MINUTE)));
                boolean aWon = a.get(10, TimeUnit.SECONDS);
                boolean bWon = b.get(10, TimeUnit.SECONDS);

                assertThat(aWon ^ bWon).as("exactly one winner in round %d", round).isTrue();
                assertThat(hubA.get(key)).contains(aWon ? "A" : "B");
                assertThat(hubB.get(key)).contains(aWon ? "A" : "B");
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void manyConcurrentClaimsOfOneKeyHaveOneWinner() throws Exception {
        int contenders = 8;
        ExecutorService threads = Executors.newFixedThreadPool(contenders);
        try {
            String key = key();
            CyclicBarrier start = new CyclicBarrier(contenders);
            List<Future<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < contenders; i++) {
                String value = "contender-" + i;
                claims.add(threads.submit(racer(start, () -> store.claim(key, value, MINUTE))));
            }
            int winners = 0;
            for (Future<Boolean> claim : claims) {
                winners += claim.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    private static Callable<Boolean> racer(CyclicBarrier start, Callable<Boolean> claim) {
        return () -> {
            start.await(10, TimeUnit.SECONDS);
            return claim.call();
        };
    }

    private static Map<String, AttributeValue> rawItem(String key) {
        return Dynalite.client().getItem(get -> get.tableName(TABLE)
                .key(Map.of("pk", AttributeValue.fromS(key))).consistentRead(true)).item();
    }

    private static String key() {
        return "dedup:test:" + UUID.randomUUID();
    }
}
