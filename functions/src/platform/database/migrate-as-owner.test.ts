// Aurora's master user is no superuser: it owns the database and may create roles, nothing more.
// The migrations must run as such a login (PostgreSQL 15+ refuses to hand a function to a role that
// may not create in its schema), and the app must then work with row-level security as usual.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresConfigStore } from '../../compose/config-store.ts';
import { openConfigDatabase } from './database.ts';

const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('migrations as a non-superuser database owner (as on Aurora)', () => {
  const suffix = randomBytes(5).toString('hex');
  const login = `pw_master_${suffix}`;
  const dbName = `pw_owner_${suffix}`;
  const admin = () => new pg.Client({ connectionString: adminUrl });

  beforeAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`CREATE ROLE ${login} LOGIN CREATEROLE CREATEDB NOSUPERUSER`);
    await client.query(`CREATE DATABASE ${dbName} OWNER ${login}`);
    await client.end();
  });

  afterAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await client.query(`DROP ROLE IF EXISTS ${login}`);
    await client.end();
  });

  it('applies every migration and serves a tenant through row-level security', async () => {
    const url = new URL(adminUrl);
    url.username = login;
    url.pathname = `/${dbName}`;
    const database = await openConfigDatabase({ kind: 'postgres', url: url.toString(), maxConnections: 2 });
    const store = createPostgresConfigStore(database.db, () => database.close());
    try {
      const tenantId = randomUUID();
      const email = `owner-${suffix}@example.com`;
      await store.createTenant({
        tenant: { id: tenantId, name: 'Aurora works', timeZone: 'UTC' },
        owner: { id: randomUUID(), email, name: 'Owner', passwordHash: 'x' },
      });
      // A SECURITY DEFINER lookup handed to plantwatch_auth by the migrations answers.
      expect((await store.findCredentialsByEmail(email))?.tenantId).toBe(tenantId);
      expect((await store.inTenant(tenantId, (repos) => repos.tenant.get())).name).toBe('Aurora works');
    } finally {
      await store.close();
    }
  });
});
