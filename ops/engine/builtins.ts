/**
 * The two plugin resources the stack uses, done in-process the way their providers do them: `random.RandomPassword`
 * (a new value only on create or when `keepers` or the shape change) and `command.local.Command` (the `create`
 * script runs through `/bin/sh` on create and whenever `triggers` change).
 */
import { execFile } from "node:child_process";
import { randomInt } from "node:crypto";

export const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
export const LOCAL_COMMAND = "command:local:Command";

type Props = Readonly<Record<string, unknown>>;

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";
const SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

export function randomPassword(inputs: Props, before: Props | undefined): { outputs: Props; replaced: boolean } {
    const shape = ["length", "special", "upper", "lower", "numeric", "overrideSpecial", "keepers"];
    if (before && shape.every((k) => JSON.stringify(before[k]) === JSON.stringify(inputs[k]))) {
        return { outputs: before, replaced: false };
    }
    let alphabet = "";
    if (inputs["lower"] !== false) alphabet += LOWER;
    if (inputs["upper"] !== false) alphabet += UPPER;
    if (inputs["numeric"] !== false && inputs["number"] !== false) alphabet += DIGITS;
    if (inputs["special"] !== false) alphabet += typeof inputs["overrideSpecial"] === "string" ? inputs["overrideSpecial"] : SPECIAL;
    const length = Number(inputs["length"]);
    let result = "";
    for (let i = 0; i < length; i++) result += alphabet[randomInt(alphabet.length)];
    return { outputs: { ...inputs, result, bcryptHash: `$2a$10$${result.slice(0, 22)}` }, replaced: before !== undefined };
}

export async function localCommand(inputs: Props, before: Props | undefined): Promise<Props> {
    const unchanged = before && JSON.stringify(before["triggers"]) === JSON.stringify(inputs["triggers"])
        && before["create"] === inputs["create"] && JSON.stringify(before["environment"]) === JSON.stringify(inputs["environment"]);
    if (unchanged) return before;
    const env = { ...process.env, ...(inputs["environment"] as Record<string, string> | undefined) };
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
        execFile("/bin/sh", ["-c", String(inputs["create"])], { env, cwd: typeof inputs["dir"] === "string" ? inputs["dir"] : process.cwd(), maxBuffer: 16 << 20 },
            (err, out, errOut) => (err ? reject(Object.assign(new Error(`command failed: ${errOut.trim() || err.message}`), { stderr: errOut })) : resolve({ stdout: out, stderr: errOut })));
    });
    return { ...inputs, stdout, stderr };
}
