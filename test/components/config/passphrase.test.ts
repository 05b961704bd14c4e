import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { passphraseDecrypter, PassphraseError } from "../../../components/config/passphrase";
import { SANDBOX_CREDENTIALS as C, SANDBOX_PASSPHRASE } from "../../../sandbox/credentials";

const ROOT = path.resolve(__dirname, "../../..");

describe("components/config/passphrase (Pulumi's passphrase secrets, read without the CLI)", function () {
    this.timeout(20000); // each key derivation is a million PBKDF2 rounds
    const file = parse(fs.readFileSync(path.join(ROOT, "Pulumi.sandbox.yaml"), "utf8")) as { encryptionsalt: string; config: Record<string, { secure: string }> };

    it("opens what `pulumi config set --secret` encrypted in the committed sandbox stack", () => {
        const decrypt = passphraseDecrypter(file.encryptionsalt, SANDBOX_PASSPHRASE);
        assert.equal(decrypt(file.config["hotdash:flyApiToken"]!.secure), C.flyOrgToken);
        assert.equal(decrypt(file.config["hotdash:supabaseAccessToken"]!.secure), C.supabaseAccessToken);
    });

    it("refuses a wrong passphrase, saying which setting to fix", () => {
        assert.throws(() => passphraseDecrypter(file.encryptionsalt, "not-the-passphrase"),
            (e: Error) => e instanceof PassphraseError && e.message === "the passphrase does not open this stack's secrets: set PULUMI_CONFIG_PASSPHRASE to the stack's passphrase");
    });

    it("refuses a tampered ciphertext and a value that is not Pulumi's format", () => {
        const decrypt = passphraseDecrypter(file.encryptionsalt, SANDBOX_PASSPHRASE);
        const secure = file.config["hotdash:flyApiToken"]!.secure;
        const [v, nonce, ct] = secure.split(":");
        const bytes = Buffer.from(ct!, "base64");
        bytes[0] = bytes[0]! ^ 1;
        assert.throws(() => decrypt(`${v}:${nonce}:${bytes.toString("base64")}`), /Unsupported state or unable to authenticate data/);
        assert.throws(() => decrypt("plain"), (e: Error) => e instanceof PassphraseError && /is not a Pulumi passphrase ciphertext/.test(e.message));
    });
});
