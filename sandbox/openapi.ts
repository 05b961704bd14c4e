/**
 * Validates sandbox requests and answers against a vendor's own OpenAPI document: route, path and query parameters,
 * JSON body; the answer's status and body. Where the vendor's real behaviour differs from its document, an override patches the document, each with its
 * reason (sandbox/specs/SOURCES.md lists them).
 */
import Ajv, { type ValidateFunction } from "ajv";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

type Json = Record<string, unknown>;

/** Replaces the value at a JSON pointer of the document, because the vendor really behaves that way. */
export interface SpecOverride {
    readonly pointer: string;
    readonly value: unknown;
    readonly reason: string;
}

/** Declares an operation the document lacks but the vendor really serves, validated like an existing one. */
export interface SpecAlias {
    readonly method: string;
    readonly path: string;
    /** Method of the documented operation on the same path whose parameters and body apply. */
    readonly sameAs: string;
    readonly reason: string;
}

export interface MatchedOperation {
    readonly operationId: string;
    /** The path template as the document spells it, e.g. `/apps/{app_name}/machines`. */
    readonly template: string;
    readonly params: Readonly<Record<string, string>>;
}

export type ValidationResult =
    | { readonly ok: true; readonly operation: MatchedOperation; readonly query: Readonly<Record<string, unknown>> }
    | { readonly ok: false; readonly operation?: MatchedOperation; readonly errors: readonly string[] }
    | { readonly ok: "undocumented" };

interface Route {
    readonly template: string;
    readonly regex: RegExp;
    readonly names: readonly string[];
    readonly literals: number;
}

interface Parameter {
    readonly name: string;
    readonly in: string;
    readonly required?: boolean;
    readonly schema?: Json;
}

/** What a handler answered, as the validator sees it: a JSON body, a text body, or none. */
export interface AnswerToCheck {
    readonly status: number;
    readonly body?: unknown;
    readonly text?: string;
}

interface CompiledOperation {
    readonly operationId: string;
    readonly params: readonly { readonly p: Parameter; readonly validate: ValidateFunction }[];
    readonly body?: { readonly required: boolean; readonly validate: ValidateFunction };
}

const OPENAPI_FORMATS = ["int32", "int64", "float", "double", "byte", "binary", "password"];

export class OpenApiValidator {
    private readonly ajv: Ajv;
    private readonly routes: Route[];
    private readonly compiled: Record<string, CompiledOperation | undefined> = {};
    private readonly compiledAnswers: Record<string, ((answer: AnswerToCheck) => string[]) | undefined> = {};
    private readonly doc: Json;

    /**
     * @param spec the vendor's document (not modified: overrides apply to a copy)
     * @param basePath prefix the server mounts the document's paths under, e.g. `/v1` for Fly
     */
    constructor(spec: Json, private readonly basePath: string, private readonly opts: {
        readonly overrides?: readonly SpecOverride[];
        readonly aliases?: readonly SpecAlias[];
        /** Schema (a `#/components/...` pointer) of error bodies whose status an operation does not list. Defaults to none: such bodies go unchecked. */
        readonly errorSchema?: string;
    } = {}) {
        this.doc = structuredClone(spec);
        for (const o of opts.overrides ?? []) setPointer(this.doc, o.pointer, o.value);
        const paths = this.doc["paths"] as Record<string, Json>;
        for (const a of opts.aliases ?? []) {
            const item = paths[a.path];
            if (!item?.[a.sameAs.toLowerCase()]) throw new Error(`alias ${a.method} ${a.path}: no ${a.sameAs} operation to copy`);
            item[a.method.toLowerCase()] = item[a.sameAs.toLowerCase()];
        }
        const is31 = String(this.doc["openapi"]).startsWith("3.1");
        const options = { strict: false, allErrors: true, validateSchema: false, logger: false, coerceTypes: false } as const;
        this.ajv = is31 ? new Ajv2020(options) : new Ajv(options);
        addFormats(this.ajv);
        for (const f of OPENAPI_FORMATS) this.ajv.addFormat(f, true);
        this.ajv.addSchema(this.doc, "spec");
        this.routes = Object.keys(paths).map((template) => {
            const { regex, names } = pathPattern(template);
            return { template, regex, names, literals: template.split("/").length - names.length };
        }).sort((a, b) => b.literals - a.literals);
    }

    /** The documented operation serving `method path`, if any. */
    match(method: string, pathname: string): MatchedOperation | undefined {
        if (!pathname.startsWith(this.basePath)) return undefined;
        const rel = pathname.slice(this.basePath.length) || "/";
        for (const route of this.routes) {
            const m = route.regex.exec(rel);
            if (!m) continue;
            const op = ((this.doc["paths"] as Record<string, Json>)[route.template]!)[method.toLowerCase()] as Json | undefined;
            if (!op) continue;
            const params: Record<string, string> = {};
            route.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]!); });
            return { operationId: String(op["operationId"] ?? `${method} ${route.template}`), template: route.template, params };
        }
        return undefined;
    }

    /** Validates one request. `body` is undefined when the request had none. */
    validate(method: string, pathname: string, query: URLSearchParams, body: unknown): ValidationResult {
        const operation = this.match(method, pathname);
        if (!operation) return { ok: "undocumented" };
        const compiled = this.compile(method, operation.template);
        const errors: string[] = [];
        const coercedQuery: Record<string, unknown> = {};
        for (const { p, validate } of compiled.params) {
            let value: unknown;
            if (p.in === "path") value = coerce(operation.params[p.name], p.schema);
            else if (p.in === "query") {
                const all = query.getAll(p.name);
                value = p.schema?.["type"] === "array" ? (all.length ? all.flatMap((v) => v.split(",")).map((v) => coerce(v, p.schema?.["items"] as Json)) : undefined) : (all.length ? coerce(all[0], p.schema) : undefined);
                if (value !== undefined) coercedQuery[p.name] = value;
            } else continue;
            if (value === undefined) {
                if (p.required) errors.push(`${p.in} parameter "${p.name}" is required`);
                continue;
            }
            if (!validate(value)) errors.push(...describe(validate, `${p.in} parameter "${p.name}"`));
        }
        if (compiled.body) {
            if (body === undefined) {
                if (compiled.body.required) errors.push("request body is required");
            } else if (!compiled.body.validate(body)) {
                errors.push(...describe(compiled.body.validate, "body"));
            }
        }
        return errors.length ? { ok: false, operation, errors } : { ok: true, operation, query: coercedQuery };
    }

    /**
     * Checks one answer of a documented operation: its status must be one the document lists (an error status it
     * does not list is allowed, as documents rarely list them all, with `errorSchema` for its body), and its body the
     * listed schema (JSON where the document says JSON, nothing where it lists no content). Errors, or none.
     */
    validateAnswer(method: string, operation: MatchedOperation, answer: AnswerToCheck): string[] {
        const key = `${method} ${operation.template} ${answer.status}`;
        let check = this.compiledAnswers[key];
        if (!check) {
            check = this.compileAnswer(method, operation, answer.status);
            this.compiledAnswers[key] = check;
        }
        return check(answer);
    }

    private compileAnswer(method: string, operation: MatchedOperation, status: number): (answer: AnswerToCheck) => string[] {
        const op = (this.doc["paths"] as Record<string, Json>)[operation.template]![method.toLowerCase()] as Json;
        const responses = (op["responses"] ?? {}) as Record<string, Json>;
        const raw = responses[String(status)] ?? responses[`${Math.floor(status / 100)}XX`] ?? responses["default"];
        const subject = `answer ${status} of ${operation.operationId}`;
        if (!raw) {
            if (status < 400) {
                const listed = Object.keys(responses).join(", ") || "none";
                return () => [`${subject} is not a documented status (documented: ${listed})`];
            }
            return this.undescribedError(subject);
        }
        const entry = this.deref(raw);
        const content = entry["content"] as Record<string, Json> | undefined;
        const jsonType = content && Object.keys(content).find((t) => t.includes("json"));
        const schema = jsonType ? (content[jsonType]!["schema"] as Json | undefined) : undefined;
        if (!content || Object.keys(content).length === 0) {
            // an error listed by description alone ("401: Unauthorized") leaves its body undescribed, not empty
            if (status >= 400) return this.undescribedError(subject);
            return (a) => (a.body === undefined && !a.text ? [] : [`${subject} has a body where the document lists none`]);
        }
        if (!jsonType) {
            return (a) => (a.body === undefined ? [] : [`${subject} is JSON where the document lists ${Object.keys(content).join(", ")}`]);
        }
        const validate = this.ajv.compile(this.withRefsResolvedAgainstSpec(schema ?? {}));
        return (a) => {
            if (a.body === undefined) return [`${subject} has ${a.text ? "a text" : "no"} body where the document lists JSON`];
            return validate(a.body) ? [] : describe(validate, `${subject} body`);
        };
    }

    /** An error answer the document does not describe: its body must match `errorSchema` when there is one. */
    private undescribedError(subject: string): (answer: AnswerToCheck) => string[] {
        if (!this.opts.errorSchema) return () => [];
        const validate = this.ajv.compile({ $ref: `spec${this.opts.errorSchema}` });
        return (a) => (a.body === undefined ? [] : validate(a.body) ? [] : describe(validate, `${subject} body`));
    }

    private compile(method: string, template: string): CompiledOperation {
        const cacheKey = `${method} ${template}`;
        const hit = this.compiled[cacheKey];
        if (hit) return hit;
        const item = (this.doc["paths"] as Record<string, Json>)[template]!;
        const op = item[method.toLowerCase()] as Json;
        const base = `spec#/paths/${escapePointer(template)}`;
        const params = [...((item["parameters"] as Json[]) ?? []), ...((op["parameters"] as Json[]) ?? [])]
            .map((p) => this.deref(p) as unknown as Parameter)
            .filter((p, i, all) => all.findIndex((q) => q.name === p.name && q.in === p.in) === i)
            .map((p) => ({ p, validate: this.ajv.compile(this.withRefsResolvedAgainstSpec(p.schema ?? {})) }));
        let body: CompiledOperation["body"];
        const requestBody = op["requestBody"] ? this.deref(op["requestBody"] as Json) : undefined;
        const content = requestBody?.["content"] as Record<string, Json> | undefined;
        const jsonType = content && Object.keys(content).find((t) => t.includes("json"));
        if (jsonType) {
            const validate = this.ajv.compile({ $ref: `${base}/${method.toLowerCase()}/requestBody/content/${escapePointer(jsonType)}/schema` });
            body = { required: requestBody?.["required"] === true, validate };
        }
        const compiled: CompiledOperation = { operationId: String(op["operationId"] ?? cacheKey), params, ...(body ? { body } : {}) };
        this.compiled[cacheKey] = compiled;
        return compiled;
    }

    private deref(node: Json): Json {
        let cur = node;
        while (typeof cur["$ref"] === "string" && (cur["$ref"] as string).startsWith("#/")) {
            cur = getPointer(this.doc, (cur["$ref"] as string).slice(1)) as Json;
        }
        return cur;
    }

    /** Inline parameter schemas may `$ref` the document's components: point those refs at the registered document. */
    private withRefsResolvedAgainstSpec(schema: Json): Json {
        return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"spec#/')) as Json;
    }
}

/** A path template (`/apps/{app_name}`) as an anchored regex and its parameter names, in order. */
export function pathPattern(template: string, opts: { readonly trailingSlash?: boolean } = {}): { regex: RegExp; names: string[] } {
    const names: string[] = [];
    const source = template.split("/").map((seg) => {
        const m = /^\{(.+)\}$/.exec(seg);
        if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        names.push(m[1]!);
        return "([^/]+)";
    }).join("/");
    return { regex: new RegExp(`^${source}${opts.trailingSlash ? "/?" : ""}$`), names };
}

function coerce(raw: string | undefined, schema: Json | undefined): unknown {
    if (raw === undefined) return undefined;
    const type = schema?.["type"];
    if (type === "integer" || type === "number") return raw.trim() !== "" && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
    if (type === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
    return raw;
}

function describe(validate: ValidateFunction, subject: string): string[] {
    return (validate.errors ?? []).map((e) => {
        const where = e.instancePath ? `${subject}${e.instancePath}` : subject;
        const extra = e.keyword === "enum" ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")})` : "";
        return `${where} ${e.message ?? "is invalid"}${extra}`;
    });
}

/** JSON-pointer escaping plus URI encoding, as a `$ref` fragment needs. */
function escapePointer(token: string): string {
    return encodeURIComponent(token.replace(/~/g, "~0").replace(/\//g, "~1"));
}

function getPointer(doc: unknown, pointer: string): unknown {
    return pointer.split("/").slice(1).reduce<unknown>((cur, raw) => {
        const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
        return (cur as Record<string, unknown> | undefined)?.[key];
    }, doc);
}

function setPointer(doc: Json, pointer: string, value: unknown): void {
    const keys = pointer.split("/").slice(1).map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = keys.pop()!;
    const parent = keys.reduce<unknown>((cur, k) => (cur as Record<string, unknown> | undefined)?.[k], doc) as Json | undefined;
    if (!parent) throw new Error(`spec override: ${pointer} does not exist in the document`);
    parent[last] = value;
}
