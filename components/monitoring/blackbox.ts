/**
 * Blackbox exporter config: one module that GETs a URL and succeeds on a 2xx answer. Prometheus hands it each app's
 * `<publicUrl><healthPath>` as the target, so the module itself names no path.
 */
import { stringify } from "yaml";

export const BLACKBOX_MODULE = "http_2xx";

export interface BlackboxOptions {
    /** Upper bound of one probe; Prometheus' scrape timeout lowers it further. Defaults to 5s. */
    readonly timeout?: string;
}

export function blackboxConfig(opts: BlackboxOptions = {}): object {
    return {
        modules: {
            [BLACKBOX_MODULE]: {
                prober: "http",
                timeout: opts.timeout ?? "5s",
                // valid_status_codes left empty means any 2xx; redirects are followed as a browser would
                http: { method: "GET", valid_status_codes: [] },
            },
        },
    };
}

export function renderBlackboxConfig(opts: BlackboxOptions = {}): string {
    return stringify(blackboxConfig(opts), { lineWidth: 0 });
}
