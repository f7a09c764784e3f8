import { attributesSuite } from './attributes-suite.js';
import { dataSuite } from './data-suite.js';
import { fallocateSuite } from './fallocate-suite.js';
import { fencingSuite } from './fencing-suite.js';
import { namespaceSuite } from './namespace-suite.js';
import { renameSuite } from './rename-suite.js';
import { sessionsSuite } from './sessions-suite.js';
import type { TestEngine } from './test-engines.js';
import { trashRestoreSuite } from './trash-restore-suite.js';
import { trashSuite } from './trash-suite.js';

/** The Meta contract's conformance suite, run once per engine with fresh volumes. */
export function metaConformance(engine: TestEngine): void {
  namespaceSuite(engine);
  renameSuite(engine);
  attributesSuite(engine);
  dataSuite(engine);
  fallocateSuite(engine);
  sessionsSuite(engine);
  fencingSuite(engine);
  trashSuite(engine);
  trashRestoreSuite(engine);
}
