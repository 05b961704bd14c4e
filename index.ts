/**
 * The HotDash launch stack. This file only reads the validated `hotdash` config (every problem is reported at once,
 * each with the command that fixes it) and composes the components that declare the launch.
 */
import { loadFromPulumi } from "./components/config/load";

const config = loadFromPulumi();

/** Public URL of each service, as the launch checklist names them. */
export const urls = Object.fromEntries(Object.values(config.apps).map((app) => [app.name, app.publicUrl]));
export const webhooksEnabled = config.webhooks.enabled;
