/** Every benchmark `npm run bench` runs, in order. Each returns its figures by name. */
import { flyBench } from "./fly";
import { goNoGoBench } from "./gonogo";
import { httpOverhead } from "./http";
import { policyBench } from "./policy";
import { signatureVerify } from "./signature";
import { stackBench } from "./stack";

export interface Benchmark {
    readonly name: string;
    readonly description: string;
    run(): Promise<Record<string, number>>;
}

export const benchmarks: readonly Benchmark[] = [httpOverhead, signatureVerify, flyBench, policyBench, stackBench, goNoGoBench];
