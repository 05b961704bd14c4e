/** Every `launch` subcommand, in the order `launch help` lists them. */
import type { Command } from "./cli";
import { goNoGoCommand } from "./gonogo/command";
import { policyCommand } from "./policy";
import { rehearseCommand } from "./rehearse/command";
import { resetCommand } from "./reset";
import { rollbackCommand } from "./rollback";
import { rotationCommand } from "./rotationCommand";
import { destroyCommand, previewCommand, refreshCommand, upCommand } from "./stack";
import { statusCommand } from "./status/command";
import { toolchainCommand } from "./toolchainCommand";

export const COMMANDS: readonly Command[] = [upCommand, previewCommand, refreshCommand, destroyCommand, rollbackCommand, resetCommand, rotationCommand, policyCommand, goNoGoCommand, statusCommand, rehearseCommand, toolchainCommand];
