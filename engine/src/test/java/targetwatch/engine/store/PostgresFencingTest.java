package targetwatch.engine.store;

/** Fencing and outbox claims on a real PostgreSQL server (see {@link PostgresTestDatabase}): two pools on one schema. */
class PostgresFencingTest extends FencingContract {

    @Override
    String emptyDatabase() throws Exception {
        return PostgresTestDatabase.emptySchemaUrl();
    }

    @Override
    JdbcStore open(String url) {
        return JdbcStore.open(url, PostgresTestDatabase.user(), PostgresTestDatabase.password());
    }

    @Override
    String lockWaits() {
        return "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND query LIKE '%partnership_owners%'";
    }

    @Override
    boolean claimsPassOverLockedRows() {
        return true;
    }
}
