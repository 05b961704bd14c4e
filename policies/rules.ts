/** The pack's rules, in report order. Each lives in its own file under rules/; its id never changes. */
import type { Rule } from "./framework/rule";
import { customHostnames } from "./rules/customHostnames";
import { healthChecks } from "./rules/healthChecks";
import { httpsUrls } from "./rules/httpsUrls";
import { imageDigest } from "./rules/imageDigest";
import { monitoringStack } from "./rules/monitoringStack";
import { monitoringThresholds } from "./rules/monitoringThresholds";
import { plainEnvSecrets } from "./rules/plainEnvSecrets";
import { requiredEnv } from "./rules/requiredEnv";
import { servicePorts } from "./rules/servicePorts";
import { supabaseBackups } from "./rules/supabaseBackups";
import { supabaseSsl } from "./rules/supabaseSsl";
import { tokenExpiry } from "./rules/tokenExpiry";
import { tokenFormat } from "./rules/tokenFormat";
import { volumeBackups } from "./rules/volumeBackups";
import { waiverValidity } from "./rules/waiverValidity";
import { webhookRegistration } from "./rules/webhookRegistration";
import { webhookSecretDistribution } from "./rules/webhookSecretDistribution";

export const RULES: readonly Rule[] = [
    requiredEnv,
    httpsUrls,
    servicePorts,
    customHostnames,
    supabaseSsl,
    tokenFormat,
    tokenExpiry,
    imageDigest,
    healthChecks,
    volumeBackups,
    supabaseBackups,
    plainEnvSecrets,
    webhookRegistration,
    webhookSecretDistribution,
    monitoringThresholds,
    monitoringStack,
    waiverValidity,
];

export const RULE_IDS: readonly string[] = RULES.map((r) => r.id);

/** Rule ids no waiver may cover. */
export const UNWAIVABLE: readonly string[] = RULES.filter((r) => r.waivable === false).map((r) => r.id);
