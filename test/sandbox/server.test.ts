/**
 * Every sandbox route answers inside its vendor's document or is listed with the reason it cannot be checked: an
 * answer outside the document becomes a 500 that names the break, and a route that is neither documented nor listed
 * is refused when it is registered.
 */
import { strict as assert } from "node:assert";
import { FaultInjector } from "../../sandbox/faults";
import { OpenApiValidator } from "../../sandbox/openapi";
import { type LoggedRequest, type SandboxContext, type SandboxResponse, VendorServer } from "../../sandbox/server";
import { UNDOCUMENTED_ROUTES } from "../../sandbox/undocumented";
import { call, useSandbox } from "../helpers/sandbox";

/** A vendor of two documented operations; its handlers answer whatever a test tells them to. */
const DOC = {
    openapi: "3.0.1",
    paths: {
        "/things/{id}": {
            get: {
                operationId: "Things_show",
                parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
                responses: {
                    200: { description: "OK", content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
                    404: { description: "Not found" },
                },
            },
            delete: { operationId: "Things_delete", parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], responses: { 204: { description: "Gone" } } },
        },
    },
    components: {
        schemas: {
            Thing: { type: "object", required: ["id", "state"], properties: { id: { type: "string" }, state: { type: "string", enum: ["on", "off"] } } },
            Error: { type: "object", required: ["error"], properties: { error: { type: "string" } } },
        },
    },
};

class ThingServer extends VendorServer {
    protected override validator = new OpenApiValidator(DOC, "", { errorSchema: "#/components/schemas/Error" });
    answer: SandboxResponse = { status: 200, body: { id: "a", state: "on" } };

    constructor(ctx: SandboxContext, extraRoute?: string) {
        super("things", ctx);
        this.route("GET", "/things/{id}", () => this.answer);
        this.route("DELETE", "/things/{id}", () => this.answer);
        if (extraRoute) this.route("GET", extraRoute, () => this.answer);
    }

    override reset(): void {
        return;
    }

    protected override error(status: number, message: string): SandboxResponse {
        return { status, body: { error: message } };
    }
}

describe("sandbox answers are checked against the vendor's document", () => {
    let server: ThingServer;
    let log: LoggedRequest[];
    before(async () => {
        log = [];
        server = new ThingServer({ faults: new FaultInjector(), log, timeScale: 1, instance: "test" });
        await server.listen();
    });
    after(() => server.close());
    beforeEach(() => { log.length = 0; });

    it("lets an answer the document describes through", async () => {
        server.answer = { status: 200, body: { id: "a", state: "on" } };
        const r = await call(`${server.url}/things/a`);
        assert.deepEqual([r.status, r.body], [200, { id: "a", state: "on" }]);
        assert.equal(log[0]!.violation, undefined);
    });

    it("turns a body outside the schema into a 500 that names the break, and logs it", async () => {
        server.answer = { status: 200, body: { id: "a", state: "exploded" } };
        const r = await call(`${server.url}/things/a`);
        assert.equal(r.status, 500);
        const expected = "answer 200 of Things_show body/state must be equal to one of the allowed values (on, off)";
        assert.deepEqual(r.body, { error: `the sandbox's answer breaks the vendor's document: ${expected}` });
        assert.equal(log[0]!.violation, expected);
        assert.equal(log[0]!.status, 500);
    });

    it("refuses a success status the document does not list, and a body where it lists none", async () => {
        server.answer = { status: 201, body: { id: "a", state: "on" } };
        assert.equal((await call(`${server.url}/things/a`)).status, 500);
        assert.equal(log[0]!.violation, "answer 201 of Things_show is not a documented status (documented: 200, 404)");
        server.answer = { status: 204, body: { ok: true } };
        assert.equal((await call(`${server.url}/things/a`, { method: "DELETE" })).status, 500);
        assert.equal(log[1]!.violation, "answer 204 of Things_delete has a body where the document lists none");
    });

    it("checks error bodies the document leaves undescribed against the vendor's error schema", async () => {
        server.answer = { status: 404, body: { error: "thing not found" } };
        assert.equal((await call(`${server.url}/things/a`)).status, 404);
        server.answer = { status: 409, body: { message: "wrong shape" } };
        assert.equal((await call(`${server.url}/things/a`)).status, 500);
        assert.equal(log[1]!.violation, "answer 409 of Things_show body must have required property 'error'");
    });

    it("refuses to register a route that is neither documented nor listed with a reason", () => {
        assert.throws(() => new ThingServer({ faults: new FaultInjector(), log: [], timeScale: 1, instance: "x" }, "/gadgets"), {
            message: "sandbox things: GET /gadgets is not in the vendor's document; serve a documented operation, or list it with the reason in sandbox/undocumented.ts",
        });
    });
});

describe("the routes listed as undocumented", () => {
    const sandbox = useSandbox({ timeScale: 0.01 });

    it("each name a route the sandbox really serves, with a reason", async () => {
        for (const r of UNDOCUMENTED_ROUTES) {
            assert.ok(r.reason.length > 20, `${r.method} ${r.template}: a reason`);
            for (const server of r.servers) {
                const base = sandbox().urls[server as keyof ReturnType<typeof sandbox>["urls"]];
                assert.ok(base, `${server} is a sandbox server`);
                const res = await call(`${base}${r.template.replace("{table}", "agent_approvals")}`, { method: r.method, ...(r.method === "POST" ? { body: {} } : {}) });
                assert.notEqual(res.status, 404, `${server} ${r.method} ${r.template} is served`);
            }
        }
    });
});
