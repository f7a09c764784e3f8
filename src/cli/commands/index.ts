import type { CommandDefinition } from '../command.js';
import { format } from './format.js';
import { status } from './status.js';

/** Every CLI command, in the order --help lists them. */
export const commands: readonly CommandDefinition[] = [format, status];
