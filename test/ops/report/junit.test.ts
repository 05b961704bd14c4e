import { strict as assert } from "node:assert";
import { DOMParser, type Document, type Element } from "@xmldom/xmldom";
import { renderJunit } from "../../../ops/report/junit";
import { item, report } from "./model.test";

function parse(xml: string): Document {
    const errors: string[] = [];
    const doc = new DOMParser({ onError: (level, msg) => { if (level !== "warning") errors.push(msg); } }).parseFromString(xml, "text/xml");
    assert.deepEqual(errors, []);
    return doc;
}

describe("ops/report/junit", () => {
    it("parses as XML: one suite per rule, failures for blockers, skipped for waived and n/a, advisory on system-out", () => {
        const r = report([
            item("pass"), item("fail", { message: `a <b> & "c" \u0001` }), item("unknown"), item("n/a"),
            item("waived", { waiver: { reason: "r", approver: "alice", expires: "2025-10-09", waivedStatus: "fail" } }),
            item("fail", { enforcement: "advisory", message: "advisory one" }),
        ]);
        const doc = parse(renderJunit(r));
        const root = doc.documentElement!;
        assert.deepEqual(["tests", "failures", "skipped"].map((a) => root.getAttribute(a)), ["6", "2", "2"]);
        const all = (tag: string): Element[] => Array.from(doc.getElementsByTagName(tag)) as Element[];
        const cases = all("testcase");
        assert.deepEqual(cases.map((c) => c.getAttribute("name")), ["web: pass", "a <b> & \"c\" ", "web: unknown", "web: n/a", "web: waived", "advisory one"]);
        assert.deepEqual(all("failure").map((f) => f.getAttribute("type")), ["fail", "unknown"]);
        assert.deepEqual(all("skipped").map((s) => s.getAttribute("message")), ["n/a: web: n/a", "waived until 2025-10-09 by alice: r"]);
        assert.match(doc.getElementsByTagName("system-out")[0]!.textContent ?? "", /^advisory fail: resource: web/);
    });
});
