import { metaConformance } from './testing/meta-conformance.js';
import { testEngines } from './testing/test-engines.js';

for (const engine of testEngines()) metaConformance(engine);
