/** PostgREST's query string as PostgREST parses it: the operators, the exact PGRST100 texts, parameterised SQL. */
import { strict as assert } from "node:assert";
import {
    OPERATORS, parseOperation, parseOrder, parseRequest, parseSelect, PostgrestError, readSql, statusOfSqlState,
} from "../../sandbox/postgrestQuery";

/** The error a parse throws, as PostgREST's body. */
function rejected(f: () => unknown): { status: number; body: PostgrestError["body"] } {
    try {
        f();
    } catch (err) {
        assert.ok(err instanceof PostgrestError, String(err));
        return { status: err.status, body: err.body };
    }
    assert.fail("expected a PostgREST error");
}

describe("sandbox/postgrestQuery", () => {
    describe("filters", () => {
        it("knows PostgREST's simple operators, and only those", () => {
            assert.deepEqual(Object.keys(OPERATORS).sort(), ["adj", "cd", "cs", "eq", "gt", "gte", "ilike", "imatch", "like", "lt", "lte", "match", "neq", "nxl", "nxr", "ov", "sl", "sr"]);
            for (const op of Object.keys(OPERATORS)) {
                assert.deepEqual(parseOperation(`${op}.a.b`), { negated: false, operation: { kind: "op", op, value: "a.b" } });
            }
        });

        it("reads not., in. lists with quoted elements, is. trilean values in any case, and fts with a language", () => {
            assert.deepEqual(parseOperation("not.eq.pending"), { negated: true, operation: { kind: "op", op: "eq", value: "pending" } });
            assert.deepEqual(parseOperation('in.(pending,"a,b","say \\"hi\\"")'), { negated: false, operation: { kind: "in", values: ["pending", "a,b", 'say "hi"'] } });
            assert.deepEqual(parseOperation("not.is.NULL"), { negated: true, operation: { kind: "is", value: "null" } });
            assert.deepEqual(parseOperation("is.true"), { negated: false, operation: { kind: "is", value: "true" } });
            assert.deepEqual(parseOperation("wfts(english).late order"), { negated: false, operation: { kind: "fts", op: "wfts", language: "english", value: "late order" } });
        });

        it("rejects an unknown operator with PostgREST's PGRST100 text (its own doctest: noop.0 fails at column 6)", () => {
            assert.deepEqual(rejected(() => parseOperation("noop.0")), {
                status: 400,
                body: { code: "PGRST100", details: "unknown single value operator noop", hint: null, message: '"failed to parse filter (noop.0)" (line 1, column 6)' },
            });
            assert.deepEqual(rejected(() => parseOperation("not.equals.1")).body.message, '"failed to parse filter (not.equals.1)" (line 1, column 12)');
        });

        it("rejects a value without an operator as PostgREST's spec shows (id=0)", () => {
            assert.deepEqual(rejected(() => parseOperation("0")).body, {
                code: "PGRST100", details: 'unexpected "0" expecting "not" or operator (eq, gt, ...)', hint: null, message: '"failed to parse filter (0)" (line 1, column 1)',
            });
        });

        it("rejects a bad is. value and an in. without its list", () => {
            assert.deepEqual(rejected(() => parseOperation("is.maybe")).body.details, 'unexpected "m" expecting null or trilean value (unknown, true, false)');
            assert.deepEqual(rejected(() => parseOperation("in.1,2")).body, {
                code: "PGRST100", details: 'unexpected "1" expecting "("', hint: null, message: '"failed to parse filter (in.1,2)" (line 1, column 4)',
            });
        });
    });

    describe("the rest of the query string", () => {
        it("treats every other non-empty parameter as a filter, drops empty ones, reads limit and offset as PostgREST does", () => {
            const r = parseRequest(new URLSearchParams("select=id,status&status=eq.pending&draft=&order=created_at.desc.nullslast,id&limit=10&offset=5"));
            assert.deepEqual(r, {
                filters: [{ column: "status", negated: false, operation: { kind: "op", op: "eq", value: "pending" } }],
                select: [{ column: "id" }, { column: "status" }],
                order: [{ column: "created_at", direction: "DESC", nulls: "LAST" }, { column: "id" }],
                limit: 10, offset: 5,
            });
            // PostgREST reads limit with readMaybe: not a number, no limit
            assert.equal(parseRequest(new URLSearchParams("limit=ten")).limit, undefined);
        });

        it("never ignores what it cannot do: an unknown filter, embedding, JSON paths and logic trees are errors", () => {
            assert.equal(rejected(() => parseRequest(new URLSearchParams("status=pending"))).body.code, "PGRST100");
            assert.deepEqual(rejected(() => parseRequest(new URLSearchParams("conversation.id=eq.1"))), {
                status: 400,
                body: { code: "PGRST108", details: null, hint: "Verify that 'conversation' is included in the 'select' query parameter.", message: "'conversation' is not an embedded resource in this request" },
            });
            assert.equal(rejected(() => parseRequest(new URLSearchParams("select=*,conversation(*)"))).status, 501);
            assert.equal(rejected(() => parseRequest(new URLSearchParams("meta->>a=eq.1"))).status, 501);
            assert.equal(rejected(() => parseRequest(new URLSearchParams("or=(status.eq.pending,status.eq.edited)"))).status, 501);
        });

        it("parses select aliases and casts, and rejects a bad order modifier with PostgREST's expectation", () => {
            assert.deepEqual(parseSelect("state:status,id::text,*"), [{ column: "status", alias: "state" }, { column: "id", cast: "text" }, { column: "*" }]);
            assert.deepEqual(parseOrder("id.asc.nullsfirst"), [{ column: "id", direction: "ASC", nulls: "FIRST" }]);
            assert.deepEqual(rejected(() => parseOrder("id.smth34")).body, {
                code: "PGRST100", details: 'unexpected "s" expecting "asc", "desc", "nullsfirst" or "nullslast"', hint: null, message: '"failed to parse order (id.smth34)" (line 1, column 4)',
            });
        });
    });

    describe("SQL", () => {
        it("puts every value in a parameter and quotes every identifier, so neither can change the statement", () => {
            const evil = "x' OR '1'='1";
            const q = readSql("agent_approvals", parseRequest(new URLSearchParams({ status: `eq.${evil}`, 'a"b': "in.(1,2)", limit: "3" })), true);
            assert.ok(!q.text.includes(evil) && !q.text.includes("'1'"), q.text);
            assert.match(q.text, /"agent_approvals"\."status" = \$1 AND "agent_approvals"\."a""b" = ANY \(\$2\)/);
            assert.deepEqual(q.params, [evil, ["1", "2"], 3]);
        });

        it("turns like's * into % and negates with NOT", () => {
            const q = readSql("t", parseRequest(new URLSearchParams({ draft: "not.ilike.*order*" })), false);
            assert.match(q.text, /NOT \("t"\."draft" ILIKE \$1\)/);
            assert.deepEqual(q.params, ["%order%"]);
        });

        it("answers PostgreSQL's errors with PostgREST's status", () => {
            assert.deepEqual(["42703", "22P02", "23505", "23503", "42P01", "42501", "08006", "P0001", "23514", "57014"].map(statusOfSqlState),
                [400, 400, 409, 409, 404, 403, 503, 400, 400, 500]);
        });
    });
});
