import { strict as assert } from "node:assert";
import { launchTime } from "../../../ops/status/stackFacts";

type Summary = Parameters<typeof launchTime>[0][number];
const update = (start: string, end: string, webhooks: string | undefined, result: Summary["result"] = "succeeded", kind: Summary["kind"] = "update"): Summary => ({
    kind, result, startTime: new Date(start), endTime: new Date(end),
    config: webhooks === undefined ? {} : { "hotdash:webhooksEnabled": { value: webhooks, secret: false } },
});

describe("launch status: T-0 from the stack's history", () => {
    it("is the end of the earliest successful update that ran with webhooks enabled", () => {
        // history comes newest first
        assert.deepEqual(launchTime([
            update("2025-10-14T12:00:00Z", "2025-10-14T12:01:00Z", "true"),
            update("2025-10-14T09:00:00Z", "2025-10-14T09:02:30Z", "true"),
            update("2025-10-14T08:00:00Z", "2025-10-14T08:01:00Z", "true", "failed"),
            update("2025-10-13T08:00:00Z", "2025-10-13T08:01:00Z", "false"),
        ]), new Date("2025-10-14T09:02:30Z"));
    });

    it("is undefined before launch: webhooks off or unset, previews and refreshes with them on do not count", () => {
        assert.equal(launchTime([]), undefined);
        assert.equal(launchTime([update("2025-10-13T08:00:00Z", "2025-10-13T08:01:00Z", "false"), update("2025-10-13T07:00:00Z", "2025-10-13T07:01:00Z", undefined)]), undefined);
        assert.equal(launchTime([update("2025-10-14T08:00:00Z", "2025-10-14T08:01:00Z", "true", "succeeded", "refresh")]), undefined);
        assert.equal(launchTime([update("2025-10-14T08:00:00Z", "2025-10-14T08:01:00Z", "true", "in-progress")]), undefined);
    });
});
