/** Every `launch` subcommand, in the order `launch help` lists them. */
import type { Command } from "./cli";
import { policyCommand } from "./policy";
import { resetCommand } from "./reset";
import { rotationCommand } from "./rotationCommand";
import { destroyCommand, previewCommand, refreshCommand, upCommand } from "./stack";
import { toolchainCommand } from "./toolchainCommand";

export const COMMANDS: readonly Command[] = [upCommand, previewCommand, refreshCommand, destroyCommand, resetCommand, rotationCommand, policyCommand, toolchainCommand];
