/**
 * The project's PostgREST (`https://<ref>.supabase.co/rest/v1`), the part supabase-js uses against the
 * `agent_approvals` table: `apikey` auth as Supabase's gateway checks it, `eq.` filters, `select`, `order`, `limit`,
 * `Prefer: count=exact` answered in `Content-Range`, HEAD for counts, and inserts.
 */
import { randomUUID } from "node:crypto";
import { type SandboxContext, type SandboxRequest, type SandboxResponse, VendorServer } from "./server";
import { SANDBOX_CREDENTIALS } from "./credentials";

export type Row = Record<string, unknown>;

/** The tables the sandbox project has, shared with the apps that write to them. */
export class Tables {
    readonly rows: Record<string, Row[]> = { agent_approvals: [] };

    reset(): void {
        for (const t of Object.keys(this.rows)) this.rows[t] = [];
    }

    insert(table: string, row: Row): Row {
        const full = { id: randomUUID(), created_at: new Date().toISOString(), ...row };
        this.rows[table]!.push(full);
        return full;
    }
}

export class PostgrestServer extends VendorServer {
    private readonly keys = [SANDBOX_CREDENTIALS.supabaseServiceRoleKey, SANDBOX_CREDENTIALS.supabaseAnonKey] as string[];

    constructor(ctx: SandboxContext, readonly tables: Tables) {
        super("supabase-rest", ctx);
        this.route("GET", "/rest/v1/{table}", (req) => this.select(req, false));
        this.route("HEAD", "/rest/v1/{table}", (req) => this.select(req, true));
        this.route("POST", "/rest/v1/{table}", (req) => this.insert(req));
    }

    override reset(): void {
        this.tables.reset();
    }

    override snapshot(): unknown {
        return this.tables.rows;
    }

    override restore(state: unknown): void {
        Object.assign(this.tables.rows, state as Record<string, Row[]>);
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

    private table(req: SandboxRequest): Row[] | SandboxResponse {
        const name = req.params["table"]!;
        const rows = this.tables.rows[name];
        if (rows) return rows;
        return {
            status: 404,
            body: { code: "PGRST205", details: null, hint: null, message: `Could not find the table 'public.${name}' in the schema cache` },
        };
    }

    private select(req: SandboxRequest, head: boolean): SandboxResponse {
        const table = this.table(req);
        if (!Array.isArray(table)) return table;
        let rows = table.filter((row) => {
            for (const [key, value] of req.query) {
                if (["select", "order", "limit", "offset"].includes(key)) continue;
                if (!value.startsWith("eq.")) return true;
                if (String(row[key]) !== value.slice(3)) return false;
            }
            return true;
        });
        const order = req.query.get("order");
        if (order) {
            const [col, dir] = order.split(".");
            rows = [...rows].sort((a, b) => String(a[col!]).localeCompare(String(b[col!])) * (dir === "desc" ? -1 : 1));
        }
        const total = rows.length;
        const offset = Number(req.query.get("offset") ?? 0);
        const limit = req.query.get("limit");
        rows = rows.slice(offset, limit ? offset + Number(limit) : undefined);
        const select = req.query.get("select");
        if (select && select !== "*") {
            const cols = select.split(",");
            rows = rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c]])));
        }
        const counted = String(req.headers["prefer"] ?? "").includes("count=exact");
        const range = rows.length ? `${offset}-${offset + rows.length - 1}` : "*";
        return {
            status: 200,
            headers: { "content-range": `${range}/${counted ? total : "*"}` },
            ...(head ? { text: "" } : { body: rows }),
        };
    }

    private insert(req: SandboxRequest): SandboxResponse {
        const table = this.table(req);
        if (!Array.isArray(table)) return table;
        const input = Array.isArray(req.body) ? req.body : [req.body];
        const inserted = input.map((row) => this.tables.insert(req.params["table"]!, row as Row));
        const representation = String(req.headers["prefer"] ?? "").includes("return=representation");
        return representation ? { status: 201, body: inserted } : { status: 201 };
    }
}
