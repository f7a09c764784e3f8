import type { Scenario } from '../scenario.js';
import { appendsFromManyClients } from './appends.js';
import { clonesWhileWriting } from './clones-while-writing.js';
import { createsInOneDirectory } from './creates.js';
import { crossingDirectoryMoves } from './crossing-moves.js';
import { deadSessionSustainedInodes } from './dead-session.js';
import { renamesAcrossDirectories } from './renames.js';
import { writesToOneFile } from './shared-writes.js';
import { unlinkWhileReading } from './unlink-while-reading.js';

/** Every multi-client race, in the order the test runs them (the worker takes its actions from here too). */
export const SCENARIOS: readonly Scenario[] = [
  createsInOneDirectory,
  renamesAcrossDirectories,
  crossingDirectoryMoves,
  writesToOneFile,
  clonesWhileWriting,
  unlinkWhileReading,
  deadSessionSustainedInodes,
  appendsFromManyClients,
];
