/** The sandbox's Supabase reports each service's health as the Management API does, and can report one unhealthy. */
import { strict as assert } from "node:assert";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";
import { SUPABASE_SERVICES } from "../../sandbox/supabase";
import { call, useSandbox } from "../helpers/sandbox";

const supa = { authorization: `Bearer ${C.supabaseAccessToken}` };

describe("sandbox Supabase service health", () => {
    const sandbox = useSandbox({ timeScale: 0.01 });
    const health = (services: string) => call(`${sandbox().urls.supabase}/v1/projects/${C.supabaseProjectRef}/health?services=${services}`, { headers: supa });

    it("knows exactly the services the document's enum names", () => {
        const doc = require("../../sandbox/specs/supabase-management-openapi.json") as { paths: Record<string, { get: { parameters: { name: string; schema: { items: { enum: string[] } } }[] } }> };
        const param = doc.paths["/v1/projects/{ref}/health"]!.get.parameters.find((p) => p.name === "services")!;
        assert.deepEqual([...SUPABASE_SERVICES], param.schema.items.enum);
    });

    it("answers each asked service once, with the info the real API adds", async () => {
        const r = await health("db,rest&services=auth&services=db");
        assert.equal(r.status, 200);
        assert.deepEqual(r.body, [
            { name: "db", healthy: true, status: "ACTIVE_HEALTHY" },
            { name: "rest", healthy: true, status: "ACTIVE_HEALTHY", info: { db_schema: "public,graphql_public" } },
            { name: "auth", healthy: true, status: "ACTIVE_HEALTHY", info: { name: "GoTrue", version: "v2.180.0", description: "GoTrue is a user registration and authentication API" } },
        ]);
    });

    it("reports a service that is down as UNHEALTHY with an error, and one starting as COMING_UP", async () => {
        sandbox().supabase.services.db = "UNHEALTHY";
        sandbox().supabase.services.realtime = "COMING_UP";
        const r = await health("db,realtime,storage");
        assert.deepEqual(r.body, [
            { name: "db", healthy: false, status: "UNHEALTHY", error: "db is not responding" },
            { name: "realtime", healthy: false, status: "COMING_UP" },
            { name: "storage", healthy: true, status: "ACTIVE_HEALTHY" },
        ]);
    });

    it("refuses a service name outside the enum, and an empty list, naming the allowed values", async () => {
        for (const services of ["database", "", "db,nope"]) {
            const r = await health(services);
            assert.equal(r.status, 400, services);
            assert.match((r.body as { message: string }).message, /query parameter "services"\/\d must be equal to one of the allowed values \(auth, db, db_postgres_user, pooler, realtime, rest, storage, pg_bouncer\)/);
        }
    });
});
