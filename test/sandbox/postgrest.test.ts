/**
 * The sandbox's PostgREST over its real PostgreSQL answers as PostgREST does: filters become SQL, and a filter it
 * does not know is an error, never "every row".
 */
import { strict as assert } from "node:assert";
import { createClient } from "@supabase/supabase-js";
import { call, useSandbox } from "../helpers/sandbox";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";

const key = { apikey: C.supabaseServiceRoleKey, authorization: `Bearer ${C.supabaseServiceRoleKey}` };

describe("sandbox PostgREST over PostgreSQL", () => {
    const sandbox = useSandbox({ timeScale: 0.01 });
    const rest = (query: string): string => `${sandbox().urls["supabase-rest"]}/rest/v1/agent_approvals${query}`;
    const get = async (query: string, headers: Record<string, string> = {}) => call(rest(query), { headers: { ...key, ...headers } });

    /** Four drafts, written through SQL as the agent service's database would hold them. */
    async function seed(): Promise<void> {
        await sandbox().database.pool.query(`INSERT INTO agent_approvals (conversation_id, message_id, status, draft, created_at) VALUES
            (1, 10, 'pending', 'Re: Where is my order?', '2025-10-13T10:00:00Z'),
            (1, 11, 'approved', 'Re: Thanks', '2025-10-13T10:01:00Z'),
            (2, 20, 'pending', 'Re: REFUND please', '2025-10-13T10:02:00Z'),
            (3, 30, 'rejected', NULL, '2025-10-13T10:03:00Z')`);
    }
    const messages = (body: unknown): number[] => (body as { message_id: number }[]).map((r) => r.message_id);

    it("an unknown operator is PostgREST's 400 PGRST100, not every row", async () => {
        await seed();
        const r = await get("?select=*&status=xyz.pending");
        assert.equal(r.status, 400, `answered ${r.status} with ${r.text}`);
        assert.deepEqual(r.body, { code: "PGRST100", details: "unknown single value operator xyz", hint: null, message: '"failed to parse filter (xyz.pending)" (line 1, column 5)' });
        const bare = await get("?status=pending");
        assert.deepEqual([bare.status, (bare.body as { code: string }).code], [400, "PGRST100"]);
    });

    it("a filter on an unknown column is PostgreSQL's 42703, answered 400", async () => {
        await seed();
        const r = await get("?nope=eq.1");
        assert.deepEqual([r.status, r.body], [400, { code: "42703", details: null, hint: null, message: "column agent_approvals.nope does not exist" }]);
        const sel = await get("?select=id,nope");
        assert.deepEqual([sel.status, (sel.body as { code: string }).code], [400, "42703"]);
    });

    it("every supported operator filters in the database", async () => {
        await seed();
        const cases: [string, number[]][] = [
            ["status=eq.pending", [10, 20]],
            ["status=neq.pending", [11, 30]],
            ["message_id=gt.11", [20, 30]],
            ["message_id=gte.11", [11, 20, 30]],
            ["message_id=lt.11", [10]],
            ["message_id=lte.11", [10, 11]],
            ["draft=like.*order*", [10]],
            ["draft=ilike.*REFUND*", [20]],
            ["draft=ilike.*refund*", [20]],
            ["draft=match.^Re: [TW]", [10, 11]],
            ["draft=imatch.please$", [20]],
            ["status=in.(approved,rejected)", [11, 30]],
            ["status=not.in.(approved,rejected)", [10, 20]],
            ["draft=is.null", [30]],
            ["draft=not.is.null", [10, 11, 20]],
            ["conversation_id=eq.1&status=eq.pending", [10]],
            ["created_at=gte.2025-10-13T10:02:00Z", [20, 30]],
        ];
        for (const [query, expected] of cases) {
            const r = await get(`?${query}&order=message_id`);
            assert.equal(r.status, 200, `${query}: ${r.text}`);
            assert.deepEqual(messages(r.body), expected, query);
        }
    });

    it("values are parameters: a quote in a value matches nothing and breaks nothing", async () => {
        await seed();
        const r = await get(`?status=eq.${encodeURIComponent("pending' OR '1'='1")}`);
        assert.deepEqual([r.status, r.body], [200, []]);
        const bad = await get("?id=eq.not-a-uuid");
        assert.deepEqual([bad.status, (bad.body as { code: string }).code], [400, "22P02"]);
        assert.equal((await sandbox().database.pool.query("SELECT count(*)::int AS n FROM agent_approvals")).rows[0].n, 4);
    });

    it("select, order, limit, offset and the exact count, as supabase-js reads them", async () => {
        await seed();
        const r = await get("?select=msg:message_id,status&order=created_at.desc&limit=2&offset=1", { prefer: "count=exact" });
        assert.equal(r.status, 206);
        assert.deepEqual(r.body, [{ msg: 20, status: "pending" }, { msg: 11, status: "approved" }]);
        assert.equal(r.headers["content-range"], "1-2/4");
        const head = await call(rest("?select=*&status=eq.pending"), { method: "HEAD", headers: { ...key, prefer: "count=exact" } });
        assert.deepEqual([head.status, head.headers["content-range"], head.text], [200, "0-1/2", ""]);

        const sb = createClient(sandbox().urls["supabase-rest"], C.supabaseServiceRoleKey, { auth: { persistSession: false, autoRefreshToken: false } });
        const { count, error } = await sb.from("agent_approvals").select("*", { count: "exact", head: true }).eq("status", "pending");
        assert.deepEqual([count, error], [2, null]);
        const bad = await sb.from("agent_approvals").select("*").filter("status", "equals", "pending");
        assert.equal(bad.error?.code, "PGRST100");
        assert.equal(bad.data, null);
    });

    it("timestamps come back as PostgreSQL writes them in JSON, as from PostgREST", async () => {
        await seed();
        const r = await get("?select=created_at&message_id=eq.10");
        assert.deepEqual(r.body, [{ created_at: "2025-10-13T10:00:00+00:00" }]);
    });

    it("inserts, updates and deletes through the same filters; the database's constraints answer", async () => {
        const created = await call(rest("?select=status,draft"), { method: "POST", headers: { ...key, prefer: "return=representation" }, body: [{ status: "pending", draft: "a" }, { status: "pending", draft: "b" }] });
        assert.deepEqual([created.status, created.body], [201, [{ status: "pending", draft: "a" }, { status: "pending", draft: "b" }]]);
        const minimal = await call(rest(""), { method: "POST", headers: key, body: { draft: "c" } });
        assert.deepEqual([minimal.status, minimal.text], [201, ""]);

        const updated = await call(rest("?draft=eq.a&select=draft,status"), { method: "PATCH", headers: { ...key, prefer: "return=representation" }, body: { status: "approved" } });
        assert.deepEqual([updated.status, updated.body], [200, [{ draft: "a", status: "approved" }]]);
        const deleted = await call(rest("?draft=eq.b"), { method: "DELETE", headers: key });
        assert.equal(deleted.status, 204);
        const left = await get("?select=draft,status&order=draft");
        assert.deepEqual(left.body, [{ draft: "a", status: "approved" }, { draft: "c", status: "pending" }]);

        const unknownColumn = await call(rest(""), { method: "POST", headers: key, body: { nope: 1 } });
        assert.deepEqual([unknownColumn.status, unknownColumn.body], [400, { code: "PGRST204", details: null, hint: null, message: "Could not find the 'nope' column of 'agent_approvals' in the schema cache" }]);
        const mixed = await call(rest(""), { method: "POST", headers: key, body: [{ draft: "x" }, { status: "pending" }] });
        assert.deepEqual([mixed.status, (mixed.body as { code: string; message: string })], [400, { code: "PGRST102", details: null, hint: null, message: "All object keys must match" }]);
        const violates = await call(rest(""), { method: "POST", headers: key, body: { status: "bogus" } });
        assert.deepEqual([violates.status, (violates.body as { code: string }).code], [400, "23514"]);
        const unknownOp = await call(rest("?draft=is_not.a"), { method: "DELETE", headers: key });
        assert.equal(unknownOp.status, 400, "an unknown filter on a delete is an error, not a delete of every row");
        assert.equal((await sandbox().database.pool.query("SELECT count(*)::int AS n FROM agent_approvals")).rows[0].n, 2);
    });

    it("one object on request (.single()), else PGRST116; an unknown table is PGRST205", async () => {
        await seed();
        const one = await get("?message_id=eq.10&select=status", { accept: "application/vnd.pgrst.object+json" });
        assert.deepEqual([one.status, one.body], [200, { status: "pending" }]);
        const many = await get("?status=eq.pending", { accept: "application/vnd.pgrst.object+json" });
        assert.deepEqual([many.status, many.body], [406, { code: "PGRST116", details: "The result contains 2 rows", hint: null, message: "JSON object requested, multiple (or no) rows returned" }]);
        const table = await call(`${sandbox().urls["supabase-rest"]}/rest/v1/approvals`, { headers: key });
        assert.deepEqual([table.status, table.body], [404, { code: "PGRST205", details: null, hint: null, message: "Could not find the table 'public.approvals' in the schema cache" }]);
    });

    it("a reset empties the tables before the next request", async () => {
        await seed();
        await sandbox().reset();
        assert.deepEqual((await get("")).body, []);
    });
});
