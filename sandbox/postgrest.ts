/**
 * The project's PostgREST (`https://<ref>.supabase.co/rest/v1`) over the sandbox project's real PostgreSQL database
 * (sandbox/database.ts): `apikey` auth as Supabase's gateway checks it, then each request translated to one
 * parameterised SQL statement (sandbox/postgrestQuery.ts): reads with filters, `select`, `order`, `limit`, `offset`,
 * `Prefer: count=exact` answered in `Content-Range`, HEAD for counts, single-object answers, inserts, updates and
 * deletes. Errors are PostgREST's: its own `PGRST` codes for what it rejects itself, PostgreSQL's code, message,
 * details and hint (with PostgREST's status for that code) for what the database rejects, such as an unknown column.
 */
import type { DatabaseError } from "pg";
import type { SandboxDatabase } from "./database";
import { type SandboxContext, type SandboxRequest, type SandboxResponse, VendorServer } from "./server";
import { SANDBOX_CREDENTIALS } from "./credentials";
import {
    deleteSql, insertSql, parseRequest, parseSelect, PostgrestError, type ReadRequest, readSql, statusOfSqlState, updateSql,
} from "./postgrestQuery";

const JSON_TYPE = "application/json; charset=utf-8";
const OBJECT_TYPE = "application/vnd.pgrst.object+json";

export class PostgrestServer extends VendorServer {
    private readonly keys = [SANDBOX_CREDENTIALS.supabaseServiceRoleKey, SANDBOX_CREDENTIALS.supabaseAnonKey] as string[];
    /** Columns of each table in `public` (PostgREST's schema cache), loaded at first use and again on a miss. */
    private schema?: Promise<Map<string, Set<string>>>;
    /** A reset still emptying the tables: requests wait for it. */
    private pending: Promise<unknown> = Promise.resolve();

    constructor(ctx: SandboxContext, readonly database: Pick<SandboxDatabase, "pool" | "reset">) {
        super("supabase-rest", ctx);
        this.route("GET", "/rest/v1/{table}", (req) => this.read(req, false));
        this.route("HEAD", "/rest/v1/{table}", (req) => this.read(req, true));
        this.route("POST", "/rest/v1/{table}", (req) => this.insert(req));
        this.route("PATCH", "/rest/v1/{table}", (req) => this.update(req));
        this.route("DELETE", "/rest/v1/{table}", (req) => this.remove(req));
    }

    /** Empties the tables; requests that arrive meanwhile wait for it. */
    override reset(): void {
        this.pending = this.database.reset();
        this.pending.catch(() => undefined);
    }

    /** Resolves once a reset has finished. */
    settled(): Promise<unknown> {
        return this.pending;
    }

    protected override error(status: number, message: string): SandboxResponse {
        return { status, body: { code: `PGRST${status}`, details: null, hint: null, message } };
    }

    protected override authenticate(req: SandboxRequest): SandboxResponse | undefined {
        const apikey = req.headers["apikey"];
        if (typeof apikey !== "string") {
            return { status: 401, body: { message: "No API key found in request", hint: "No `apikey` request header or url param was found." } };
        }
        if (!this.keys.includes(apikey)) {
            return { status: 401, body: { message: "Invalid API key", hint: "Double check your Supabase `anon` or `service_role` API key." } };
        }
        return undefined;
    }

    private loadSchema(): Promise<Map<string, Set<string>>> {
        return this.database.pool.query<{ table: string; column: string }>(`
            SELECT c.relname AS table, a.attname AS column
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped`)
            .then((r) => {
                const tables = new Map<string, Set<string>>();
                for (const { table, column } of r.rows) (tables.get(table) ?? tables.set(table, new Set()).get(table)!).add(column);
                return tables;
            });
    }

    /** The columns of the request's table, or PostgREST's PGRST205. */
    private async columns(req: SandboxRequest): Promise<Set<string>> {
        const name = req.params["table"]!;
        this.schema ??= this.loadSchema();
        let columns = (await this.schema).get(name);
        if (!columns) {
            this.schema = this.loadSchema();
            columns = (await this.schema).get(name);
        }
        if (!columns) throw new PostgrestError(404, "PGRST205", `Could not find the table 'public.${name}' in the schema cache`);
        return columns;
    }

    /** Runs a request's handler, answering PostgREST's and PostgreSQL's errors as PostgREST does. */
    private async answer(handler: () => Promise<SandboxResponse>): Promise<SandboxResponse> {
        await this.pending.catch(() => undefined);
        try {
            return await handler();
        } catch (err) {
            if (err instanceof PostgrestError) return { status: err.status, body: err.body };
            const e = err as DatabaseError;
            if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) {
                return { status: statusOfSqlState(e.code), body: { code: e.code, details: e.detail ?? null, hint: e.hint ?? null, message: e.message } };
            }
            // the database unreachable: PostgREST's connection error
            return { status: 503, body: { code: "PGRST001", details: (err as Error).message, hint: null, message: "Database client error. Retrying the connection." } };
        }
    }

    private async run(q: { text: string; params: unknown[] }): Promise<{ total: number | undefined; page: number; body: string }> {
        const r = await this.database.pool.query<{ total: string | null; page: string; body: string }>(q.text, q.params);
        const row = r.rows[0]!;
        return { total: row.total === null ? undefined : Number(row.total), page: Number(row.page), body: row.body };
    }

    private read(req: SandboxRequest, head: boolean): Promise<SandboxResponse> {
        return this.answer(async () => {
            await this.columns(req);
            const parsed = parseRequest(req.query);
            const prefer = String(req.headers["prefer"] ?? "");
            const counted = /count=(exact|planned|estimated)/.test(prefer);
            const result = await this.run(readSql(req.params["table"]!, parsed, counted));
            const single = this.single(req, result);
            if (single && "status" in single) return single;
            const first = parsed.offset;
            const range = result.page ? `${first}-${first + result.page - 1}` : "*";
            // PostgREST: 206 when a count shows that the answer is part of the rows
            const partial = result.total !== undefined && result.page < result.total && (parsed.limit !== undefined || first > 0);
            return {
                status: partial ? 206 : 200,
                headers: { "content-range": `${range}/${result.total ?? "*"}`, "content-type": single ? `${OBJECT_TYPE}; charset=utf-8` : JSON_TYPE },
                text: head ? "" : single ? single.text : result.body,
            };
        });
    }

    /** `Accept: application/vnd.pgrst.object+json` (supabase-js's `.single()`): the one row, or PGRST116. */
    private single(req: SandboxRequest, result: { page: number; body: string }): { text: string } | SandboxResponse | undefined {
        if (!String(req.headers["accept"] ?? "").includes(OBJECT_TYPE)) return undefined;
        if (result.page !== 1) {
            return { status: 406, body: { code: "PGRST116", details: `The result contains ${result.page} rows`, hint: null, message: "JSON object requested, multiple (or no) rows returned" } };
        }
        return { text: JSON.stringify((JSON.parse(result.body) as unknown[])[0]) };
    }

    /** The body's keys, all of them known columns (PGRST204) and the same in every object (PGRST102). */
    private keysOf(req: SandboxRequest, rows: readonly unknown[], columns: Set<string>): string[] {
        if (rows.length === 0 || rows.some((r) => r === null || typeof r !== "object" || Array.isArray(r))) {
            throw new PostgrestError(400, "PGRST102", "Empty or invalid json");
        }
        const keys = Object.keys(rows[0] as object);
        const same = (r: unknown): boolean => {
            const k = Object.keys(r as object);
            return k.length === keys.length && k.every((x) => keys.includes(x));
        };
        if (!rows.every(same)) throw new PostgrestError(400, "PGRST102", "All object keys must match");
        const unknown = keys.find((k) => !columns.has(k));
        if (unknown !== undefined) {
            throw new PostgrestError(400, "PGRST204", `Could not find the '${unknown}' column of '${req.params["table"]}' in the schema cache`);
        }
        return keys;
    }

    /** The answer to a write: the rows with `Prefer: return=representation`, else none. */
    private written(req: SandboxRequest, result: { page: number; body: string }, created: boolean): SandboxResponse {
        const representation = String(req.headers["prefer"] ?? "").includes("return=representation");
        if (!representation) return { status: created ? 201 : 204, headers: { "content-range": `*/*` } };
        const single = this.single(req, result);
        if (single && "status" in single) return single;
        return {
            status: created ? 201 : 200,
            headers: { "content-range": result.page ? `0-${result.page - 1}/*` : "*/*", "content-type": JSON_TYPE },
            text: single ? single.text : result.body,
        };
    }

    private insert(req: SandboxRequest): Promise<SandboxResponse> {
        return this.answer(async () => {
            const columns = await this.columns(req);
            const rows = Array.isArray(req.body) ? req.body : [req.body];
            const keys = this.keysOf(req, rows, columns);
            const result = await this.run(insertSql(req.params["table"]!, keys, rows, parseSelect(req.query.get("select"))));
            return this.written(req, result, true);
        });
    }

    private update(req: SandboxRequest): Promise<SandboxResponse> {
        return this.answer(async () => {
            const columns = await this.columns(req);
            const keys = this.keysOf(req, [req.body], columns);
            const parsed: ReadRequest = parseRequest(req.query);
            if (keys.length === 0) return { status: 204 };
            const result = await this.run(updateSql(req.params["table"]!, keys, req.body, parsed));
            return this.written(req, result, false);
        });
    }

    private remove(req: SandboxRequest): Promise<SandboxResponse> {
        return this.answer(async () => {
            await this.columns(req);
            const result = await this.run(deleteSql(req.params["table"]!, parseRequest(req.query)));
            return this.written(req, result, false);
        });
    }
}
