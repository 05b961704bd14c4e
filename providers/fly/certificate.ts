/**
 * A Let's Encrypt certificate for a custom hostname of a Fly app (`*.fly.dev` needs none). Ready means Fly reports
 * `status: active` with an issued certificate; until the DNS records in `dnsRequirements` exist it stays pending,
 * which the go/no-go reports. `waitSeconds` optionally waits for issuance.
 */
import * as pulumi from "@pulumi/pulumi";
import { type ConfiguredProvider, diffResult, DynamicResource, type ProviderConfig } from "../dynamic";
import { type FlyCertificate, FlyCertificatesApi } from "./client";
import { flyApi } from "./connect";

export interface FlyCertificateInputs {
    readonly apiUrl: string;
    readonly app: string;
    readonly hostname: string;
    /** Seconds to wait for issuance before returning. Defaults to 0. */
    readonly waitSeconds?: number;
}

export interface FlyCertificateOutputs extends FlyCertificateInputs {
    readonly status: string;
    readonly ready: boolean;
    readonly expiresAt: string;
    readonly dnsRequirements: Record<string, unknown>;
}

export function certificateReady(c: FlyCertificate): boolean {
    return c.status === "active" && (c.certificates ?? []).some((x) => x.status === "active");
}

function outputs(inputs: FlyCertificateInputs, c: FlyCertificate): FlyCertificateOutputs {
    return {
        ...inputs,
        status: c.status,
        ready: certificateReady(c),
        expiresAt: c.certificates?.find((x) => x.status === "active")?.expires_at ?? "",
        dnsRequirements: c.dns_requirements ?? {},
    };
}

async function request(config: ProviderConfig | undefined, inputs: FlyCertificateInputs): Promise<FlyCertificateOutputs> {
    const fly = flyApi(FlyCertificatesApi, config, inputs.apiUrl);
    let cert = (await fly.getCertificate(inputs.app, inputs.hostname)) ?? (await fly.requestCertificate(inputs.app, inputs.hostname));
    const deadline = Date.now() + (inputs.waitSeconds ?? 0) * 1000;
    while (!certificateReady(cert) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1000));
        cert = (await fly.getCertificate(inputs.app, inputs.hostname)) ?? cert;
    }
    return outputs(inputs, cert);
}

export const flyCertificateProvider: ConfiguredProvider<FlyCertificateInputs, FlyCertificateOutputs> = {
    async configure(req) {
        this.config = req.config;
    },

    async diff(_id, olds, news) {
        return diffResult(olds.apiUrl !== news.apiUrl ? ["apiUrl"] : [], olds.app !== news.app || olds.hostname !== news.hostname ? ["hostname"] : []);
    },

    async create(inputs) {
        return { id: `${inputs.app}/${inputs.hostname}`, outs: await request(this.config, inputs) };
    },

    async read(id, props) {
        if (!props) return { id, props };
        const cert = await flyApi(FlyCertificatesApi, this.config, props.apiUrl).getCertificate(props.app, props.hostname);
        return cert ? { id, props: outputs(props, cert) } : {};
    },

    async update(_id, _olds, news) {
        return { outs: await request(this.config, news) };
    },

    async delete(_id, props) {
        await flyApi(FlyCertificatesApi, this.config, props.apiUrl).deleteCertificate(props.app, props.hostname);
    },
};

export interface FlyCertificateArgs {
    readonly apiUrl: pulumi.Input<string>;
    readonly app: pulumi.Input<string>;
    readonly hostname: pulumi.Input<string>;
    readonly waitSeconds?: number;
}

export class FlyCertificateResource extends DynamicResource {
    declare readonly status: pulumi.Output<string>;
    declare readonly ready: pulumi.Output<boolean>;
    declare readonly dnsRequirements: pulumi.Output<Record<string, unknown>>;

    constructor(name: string, args: FlyCertificateArgs, opts?: pulumi.CustomResourceOptions) {
        super(flyCertificateProvider, name, { status: undefined, ready: undefined, expiresAt: undefined, dnsRequirements: undefined, ...args }, opts, "FlyCertificate");
    }
}
