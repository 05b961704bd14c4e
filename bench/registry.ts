/** Every benchmark `npm run bench` runs, in order. Each returns its figures by name. */
import { databaseBench } from "./database";
import { flyBench } from "./fly";
import { goNoGoBench } from "./gonogo";
import { httpOverhead } from "./http";
import { policyBench } from "./policy";
import { signatureVerify } from "./signature";
import { stackBench } from "./stack";
import type { Benchmark } from "./benchmark";

export const benchmarks: readonly Benchmark[] = [httpOverhead, signatureVerify, databaseBench, flyBench, policyBench, stackBench, goNoGoBench];
