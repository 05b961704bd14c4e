/** Every `launch` subcommand, in the order `launch help` lists them. */
import type { Command } from "./cli";
import { policyCommand } from "./policy";
import { destroyCommand, previewCommand, upCommand } from "./stack";

export const COMMANDS: readonly Command[] = [upCommand, previewCommand, destroyCommand, policyCommand];
