/**
 * The policy pack's entry point, run by `pulumi preview --policy-pack policies`. Constructing a PolicyPack starts
 * the analyzer's gRPC server, so this file does nothing else; tests and `launch policy` import rules.ts instead.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policyPackArgs } from "./policyPack";

new PolicyPack(PACK_NAME, policyPackArgs());
