import { testEngines } from '../src/meta/testing/test-engines.js';
import { cloneSemantics } from './clone/clone-semantics.js';

// The same semantics with a non-root user cloning: test/clone-user.test.ts.
for (const engine of testEngines()) cloneSemantics(engine, 'root');
