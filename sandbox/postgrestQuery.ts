/**
 * PostgREST's query string, as PostgREST parses it (src/PostgREST/ApiRequest/QueryParams.hs), translated to
 * parameterised SQL: filters `col=[not.]op.value` with the operators PostgREST knows, `select`, `order`, `limit`,
 * `offset`. Values never enter the SQL text: every one is a `$n` parameter whose type PostgreSQL infers from the column,
 * as with PostgREST. Pure: a query string in, SQL text and parameters (or PostgREST's error) out.
 *
 * Not implemented (answered 501 with the reason, never ignored): resource embedding, JSON paths, `and`/`or` trees.
 */

/** An answer in PostgREST's error shape. */
export class PostgrestError extends Error {
    constructor(readonly status: number, readonly code: string, message: string, readonly details: string | null = null, readonly hint: string | null = null) {
        super(message);
    }

    get body(): { code: string; details: string | null; hint: string | null; message: string } {
        return { code: this.code, details: this.details, hint: this.hint, message: this.message };
    }
}

/** PGRST100: a query parameter PostgREST's parser rejects; `what` as PostgREST names it ("filter", "order", ...). */
function parseError(what: string, input: string, column: number, details: string): PostgrestError {
    return new PostgrestError(400, "PGRST100", `"failed to parse ${what} (${input})" (line 1, column ${column})`, details);
}

function notImplemented(what: string): PostgrestError {
    return new PostgrestError(501, "PGRST501", `the sandbox's PostgREST does not implement ${what}`, null,
        "The sandbox implements filters, select, order, limit, offset, count and single-object answers on one table at a time.");
}

/** The simple operators and their SQL (PostgREST's `operator` table). */
export const OPERATORS: Readonly<Record<string, string>> = {
    eq: "=", neq: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=", like: "LIKE", ilike: "ILIKE", match: "~", imatch: "~*",
    cs: "@>", cd: "<@", ov: "&&", sl: "<<", sr: ">>", nxr: "&<", nxl: "&>", adj: "-|-",
};

/** Full-text search operators and the function that makes their query. */
const FTS_OPERATORS: Readonly<Record<string, string>> = {
    fts: "to_tsquery", plfts: "plainto_tsquery", phfts: "phraseto_tsquery", wfts: "websearch_to_tsquery",
};

const TRILEAN: Readonly<Record<string, string>> = { null: "NULL", unknown: "UNKNOWN", true: "TRUE", false: "FALSE" };

/** One parsed filter, before it becomes SQL. */
export type Operation =
    | { readonly kind: "op"; readonly op: string; readonly value: string }
    | { readonly kind: "in"; readonly values: readonly string[] }
    | { readonly kind: "is"; readonly value: keyof typeof TRILEAN }
    | { readonly kind: "fts"; readonly op: string; readonly language?: string; readonly value: string };

export interface Filter {
    readonly column: string;
    readonly negated: boolean;
    readonly operation: Operation;
}

const firstChar = (s: string): string => (s === "" ? "end of input" : JSON.stringify(s[0]));

/** Parses a `not.in.(a,b)` list from `at` (1-based column of its opening parenthesis in the whole value). */
function parseList(value: string, rest: string, at: number): string[] {
    const m = /^[ \t]*\(/.exec(rest);
    if (!m) throw parseError("filter", value, at + (/^[ \t]*/.exec(rest)![0].length), `unexpected ${firstChar(rest.trimStart())} expecting "("`);
    let i = m[0].length;
    const items: string[] = [];
    for (;;) {
        let item = "";
        if (rest[i] === '"') {
            // a quoted element, backslash escapes; it must be followed by , or )
            let j = i + 1;
            while (j < rest.length && rest[j] !== '"') {
                if (rest[j] === "\\" && j + 1 < rest.length) j++;
                item += rest[j];
                j++;
            }
            if (j < rest.length && (rest[j + 1] === "," || rest[j + 1] === ")")) {
                i = j + 1;
                items.push(item);
            } else {
                const end = rest.slice(i).search(/[,)]/);
                item = end < 0 ? rest.slice(i) : rest.slice(i, i + end);
                i += item.length;
                items.push(item);
            }
        } else {
            const end = rest.slice(i).search(/[,)]/);
            item = end < 0 ? rest.slice(i) : rest.slice(i, i + end);
            i += item.length;
            items.push(item);
        }
        if (rest[i] === ",") {
            i++;
            continue;
        }
        if (rest[i] === ")") return items;
        throw parseError("filter", value, at + i, `unexpected end of input expecting "," or ")"`);
    }
}

/** Parses a filter's value (`eq.pending`, `not.in.(a,b)`, `is.null`, ...) as PostgREST's pOpExpr does. */
export function parseOperation(value: string): { negated: boolean; operation: Operation } {
    let negated = false;
    let rest = value;
    let column = 1;
    if (rest.startsWith("not.")) {
        negated = true;
        rest = rest.slice(4);
        column += 4;
    }
    if (rest.startsWith("in.")) return { negated, operation: { kind: "in", values: parseList(value, rest.slice(3), column + 3) } };
    if (rest.startsWith("is.")) {
        const tri = Object.keys(TRILEAN).find((t) => rest.slice(3, 3 + t.length).toLowerCase() === t);
        if (!tri) throw parseError("filter", value, column + 3, `unexpected ${firstChar(rest.slice(3))} expecting null or trilean value (unknown, true, false)`);
        return { negated, operation: { kind: "is", value: tri as keyof typeof TRILEAN } };
    }
    const fts = /^([a-z]+)(?:\(([A-Za-z0-9_ $]+)\))?\./.exec(rest);
    if (fts && FTS_OPERATORS[fts[1]!]) {
        return { negated, operation: { kind: "fts", op: fts[1]!, ...(fts[2] ? { language: fts[2].trim() } : {}), value: rest.slice(fts[0].length) } };
    }
    const dot = rest.indexOf(".");
    if (dot < 0) throw parseError("filter", value, 1, `unexpected ${firstChar(value)} expecting "not" or operator (eq, gt, ...)`);
    const op = rest.slice(0, dot);
    if (!OPERATORS[op]) throw parseError("filter", value, column + dot + 1, `unknown single value operator ${op}`);
    return { negated, operation: { kind: "op", op, value: rest.slice(dot + 1) } };
}

/** A column of a select or order, checked so that it can be quoted; JSON paths and embedding are not implemented. */
function fieldName(name: string, what: string, input: string): string {
    const f = name.trim().replace(/^"(.*)"$/, "$1");
    if (f.includes("->")) throw notImplemented(`JSON paths (${what}=${input})`);
    if (f === "" || /[(),]/.test(f)) throw parseError(what, input, input.indexOf(name) + 1, `unexpected ${firstChar(name.trim())} expecting field name (* or [a..z0..9_$])`);
    return f;
}

export interface SelectItem {
    readonly column: string;
    readonly alias?: string;
    readonly cast?: string;
}

/** `select=*`, `select=id,status`, `alias:col`, `col::text`. Undefined items mean `*`. */
export function parseSelect(input: string | null): SelectItem[] | undefined {
    if (input === null || input.trim() === "" || input.trim() === "*") return undefined;
    const items: SelectItem[] = [];
    for (const raw of input.split(",")) {
        if (raw.includes("(") || raw.includes(")")) throw notImplemented(`resource embedding (select=${input})`);
        const m = /^\s*(?:([^:]+):(?!:))?(.*?)(?:::([A-Za-z0-9_ $]+))?\s*$/.exec(raw)!;
        const column = m[2]!.trim() === "*" ? "*" : fieldName(m[2]!, "select parameter", input);
        items.push({ column, ...(m[1] ? { alias: m[1].trim() } : {}), ...(m[3] ? { cast: m[3].trim() } : {}) });
    }
    return items;
}

export interface OrderTerm {
    readonly column: string;
    readonly direction?: "ASC" | "DESC";
    readonly nulls?: "FIRST" | "LAST";
}

/** `order=created_at.desc.nullslast,id`. */
export function parseOrder(input: string): OrderTerm[] {
    return input.split(",").map((term) => {
        if (term.includes("(")) throw notImplemented(`ordering by an embedded resource (order=${input})`);
        const [name, ...mods] = term.split(".");
        const column = fieldName(name!, "order", input);
        let direction: OrderTerm["direction"];
        let nulls: OrderTerm["nulls"];
        let at = input.indexOf(term) + name!.length + 2;
        for (const mod of mods) {
            if (!direction && !nulls && (mod === "asc" || mod === "desc")) direction = mod === "asc" ? "ASC" : "DESC";
            else if (!nulls && (mod === "nullsfirst" || mod === "nullslast")) nulls = mod === "nullsfirst" ? "FIRST" : "LAST";
            else {
                const expected = direction || nulls ? `"nullsfirst" or "nullslast"` : `"asc", "desc", "nullsfirst" or "nullslast"`;
                throw parseError("order", input, at, `unexpected ${firstChar(mod)} expecting ${expected}`);
            }
            at += mod.length + 1;
        }
        return { column, ...(direction ? { direction } : {}), ...(nulls ? { nulls } : {}) };
    });
}

/** What a read, update or delete applies to: the filters and the other parameters. */
export interface ReadRequest {
    readonly filters: readonly Filter[];
    readonly select?: readonly SelectItem[];
    readonly order: readonly OrderTerm[];
    readonly limit?: number;
    readonly offset: number;
}

/** Parameters that are not filters (PostgREST's reserved names). */
const RESERVED = new Set(["select", "columns", "on_conflict", "order", "limit", "offset"]);

/** Parses a table request's query string. Filters are every other non-empty parameter, as in PostgREST. */
export function parseRequest(query: URLSearchParams): ReadRequest {
    const filters: Filter[] = [];
    let order: OrderTerm[] = [];
    let limit: number | undefined;
    let offset = 0;
    for (const [key, value] of query) {
        if (value === "") continue; // PostgREST drops parameters without a value
        if (key === "and" || key === "or" || key.endsWith(".and") || key.endsWith(".or")) throw notImplemented(`logic trees (${key}=${value})`);
        if (key === "order") {
            order = parseOrder(value);
            continue;
        }
        // PostgREST reads these with readMaybe: what is not a number is no limit
        if (key === "limit") {
            if (/^\d+$/.test(value)) limit = Number(value);
            continue;
        }
        if (key === "offset") {
            if (/^\d+$/.test(value)) offset = Number(value);
            continue;
        }
        if (RESERVED.has(key)) continue;
        if (key.includes("->")) throw notImplemented(`JSON paths in filters (${key})`);
        if (key.includes(".")) {
            const embed = key.split(".")[0]!;
            throw new PostgrestError(400, "PGRST108", `'${embed}' is not an embedded resource in this request`, null,
                `Verify that '${embed}' is included in the 'select' query parameter.`);
        }
        const { negated, operation } = parseOperation(value);
        filters.push({ column: key, negated, operation });
    }
    const select = parseSelect(query.get("select"));
    return { filters, ...(select ? { select } : {}), order, ...(limit !== undefined ? { limit } : {}), offset };
}

/** A quoted identifier. */
export function ident(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
}

/** SQL with its parameters; `param()` appends one and names it. */
export class Sql {
    readonly params: unknown[] = [];

    param(value: unknown): string {
        this.params.push(value);
        return `$${this.params.length}`;
    }
}

/** The WHERE clause of the filters (`TRUE` without any), columns qualified by `qualifier`. */
export function whereClause(filters: readonly Filter[], qualifier: string, sql: Sql): string {
    if (filters.length === 0) return "TRUE";
    return filters.map((f) => {
        const col = `${qualifier}.${ident(f.column)}`;
        const o = f.operation;
        let expr: string;
        switch (o.kind) {
            case "op": {
                // PostgREST's like patterns use * for %
                const value = o.op === "like" || o.op === "ilike" ? o.value.replace(/\*/g, "%") : o.value;
                expr = `${col} ${OPERATORS[o.op]} ${sql.param(value)}`;
                break;
            }
            case "in":
                expr = `${col} = ANY (${sql.param(o.values)})`;
                break;
            case "is":
                expr = `${col} IS ${TRILEAN[o.value]}`;
                break;
            case "fts":
                expr = `${col} @@ ${FTS_OPERATORS[o.op]}(${o.language ? `${sql.param(o.language)}::regconfig, ` : ""}${sql.param(o.value)})`;
                break;
        }
        return f.negated ? `NOT (${expr})` : expr;
    }).join(" AND ");
}

/** The select list, columns qualified by `qualifier`. */
export function selectList(select: readonly SelectItem[] | undefined, qualifier: string): string {
    if (!select) return `${qualifier}.*`;
    return select.map((s) => {
        if (s.column === "*") return `${qualifier}.*`;
        const col = `${qualifier}.${ident(s.column)}`;
        const expr = s.cast ? `CAST(${col} AS ${ident(s.cast)})` : col;
        return `${expr} AS ${ident(s.alias ?? s.column)}`;
    }).join(", ");
}

export function orderClause(order: readonly OrderTerm[], qualifier: string): string {
    if (order.length === 0) return "";
    return ` ORDER BY ${order.map((o) => `${qualifier}.${ident(o.column)}${o.direction ? ` ${o.direction}` : ""}${o.nulls ? ` NULLS ${o.nulls}` : ""}`).join(", ")}`;
}

/**
 * A read as one statement: `total` (the filtered count, only when counted), `page` (rows returned) and `body` (the
 * JSON array, built by PostgreSQL as PostgREST builds it, so timestamps and numbers keep PostgreSQL's text).
 */
export function readSql(table: string, req: ReadRequest, counted: boolean): { text: string; params: unknown[] } {
    const sql = new Sql();
    const q = ident(table);
    const where = whereClause(req.filters, q, sql);
    const from = `FROM "public".${q} AS ${q} WHERE ${where}`;
    const page = `${req.limit !== undefined ? ` LIMIT ${sql.param(req.limit)}` : ""}${req.offset ? ` OFFSET ${sql.param(req.offset)}` : ""}`;
    const text = `WITH pgrst_source AS (SELECT ${selectList(req.select, q)} ${from}${orderClause(req.order, q)}${page}) `
        + `SELECT ${counted ? `(SELECT count(*) ${from})` : "NULL::bigint"} AS total, (SELECT count(*) FROM pgrst_source) AS page, `
        + `coalesce((SELECT json_agg(_postgrest_t) FROM pgrst_source AS _postgrest_t), '[]')::text AS body`;
    return { text, params: sql.params };
}

/** The rows a write returned, shaped by `select`, as the same (total, page, body) triple. */
function returning(table: string, write: string, select: readonly SelectItem[] | undefined): string {
    const q = ident(table);
    return `WITH pgrst_source AS (${write} RETURNING ${q}.*) `
        + `SELECT NULL::bigint AS total, (SELECT count(*) FROM pgrst_source) AS page, `
        + `coalesce((SELECT json_agg(_postgrest_t) FROM (SELECT ${selectList(select, q)} FROM pgrst_source AS ${q}) AS _postgrest_t), '[]')::text AS body`;
}

/** INSERT of a JSON array of objects with these keys, through json_populate_recordset as PostgREST does. */
export function insertSql(table: string, columns: readonly string[], rows: readonly unknown[], select: readonly SelectItem[] | undefined): { text: string; params: unknown[] } {
    const sql = new Sql();
    const q = ident(table);
    const cols = columns.map(ident).join(", ");
    // no keys at all ([{}]): every column takes its default
    const write = columns.length
        ? `INSERT INTO "public".${q} AS ${q} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::"public".${q}, ${sql.param(JSON.stringify(rows))}::json)`
        : `INSERT INTO "public".${q} AS ${q} SELECT FROM generate_series(1, ${sql.param(rows.length)})`;
    return { text: returning(table, write, select), params: sql.params };
}

/** UPDATE of the filtered rows with the body's keys. */
export function updateSql(table: string, columns: readonly string[], row: unknown, req: ReadRequest): { text: string; params: unknown[] } {
    const sql = new Sql();
    const q = ident(table);
    const body = sql.param(JSON.stringify(row));
    const cols = columns.map(ident).join(", ");
    const write = `UPDATE "public".${q} AS ${q} SET (${cols}) = (SELECT ${cols} FROM json_populate_record(NULL::"public".${q}, ${body}::json)) WHERE ${whereClause(req.filters, q, sql)}`;
    return { text: returning(table, write, req.select), params: sql.params };
}

/** DELETE of the filtered rows. */
export function deleteSql(table: string, req: ReadRequest): { text: string; params: unknown[] } {
    const sql = new Sql();
    const q = ident(table);
    const write = `DELETE FROM "public".${q} AS ${q} WHERE ${whereClause(req.filters, q, sql)}`;
    return { text: returning(table, write, req.select), params: sql.params };
}

/** PostgREST's HTTP status for a PostgreSQL error code (its documented table). */
export function statusOfSqlState(code: string): number {
    const exact: Record<string, number> = {
        "23503": 409, "23505": 409, "25006": 405, "53400": 500, "P0001": 400, "42883": 404, "42P01": 404, "42P17": 500, "42501": 403,
    };
    if (exact[code] !== undefined) return exact[code]!;
    const byClass: [string, number][] = [
        ["08", 503], ["09", 500], ["0L", 403], ["0P", 403], ["25", 500], ["28", 403], ["2D", 500], ["38", 500], ["39", 500],
        ["3B", 500], ["40", 500], ["53", 503], ["54", 500], ["55", 500], ["57", 500], ["58", 500], ["F0", 500], ["HV", 500],
        ["P0", 500], ["XX", 500],
    ];
    return byClass.find(([prefix]) => code.startsWith(prefix))?.[1] ?? 400;
}
