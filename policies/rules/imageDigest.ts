/** HD-IMG-001: every machine group runs an image pinned by digest; rollback redeploys a previous digest. */
import { fixCommand, imageProblem } from "../../components/config/validate";
import type { Check } from "../framework/finding";
import { appOf, groupConfig } from "../framework/fly";
import { checks, type Rule } from "../framework/rule";
import { isUnknown } from "../framework/unknown";

export const imageDigest: Rule = {
    id: "HD-IMG-001",
    title: "Images are pinned by digest",
    description: "Every machine group runs <repository>[:tag]@sha256:<digest>: rollback redeploys a previous digest, which a tag cannot name.",
    severity: "critical",
    enforcement: "mandatory",
    remediation: [
        "Pin the image by digest: `pulumi config set --path hotdash:apps.<app>.image <repository>@sha256:<digest> --stack <stack>` (`docker buildx imagetools inspect <image>` prints the digest).",
        "Run `npx launch policy --stack <stack>` again.",
    ],
    url: "https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier",
    check(view, ctx) {
        return view.ofType("FlyMachineGroup").map((g): Check => {
            const config = groupConfig(g);
            const image = isUnknown(config) ? config : config?.["image"];
            if (isUnknown(image)) return checks.unknown(g.name, "the image", "an image pinned by digest", g.urn);
            const key = view.appKeyOf(appOf(g));
            const fix = key ? fixCommand(ctx.stack, `apps.${key}.image`, "<registry>/<repository>@sha256:<digest>") : undefined;
            if (typeof image !== "string" || image.trim() === "") {
                return checks.fail(g.name, `${g.name}: no image is set`, "none", "<repository>@sha256:<digest>", { urn: g.urn, ...(fix ? { fix } : {}) });
            }
            if (imageProblem(image) === undefined) {
                const digest = image.slice(image.lastIndexOf("@") + 1);
                return checks.pass(g.name, `${g.name}: image pinned by digest (${digest.slice(0, 19)}…)`, digest, "@sha256:<digest>", g.urn);
            }
            return checks.fail(g.name, `${g.name}: image "${image}" is not pinned by digest`, image, "<repository>@sha256:<digest>", { urn: g.urn, ...(fix ? { fix } : {}) });
        });
    },
};
