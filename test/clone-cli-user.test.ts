import { cloneCliScenarios } from './clone/clone-cli-scenarios.js';

// test/clone-cli.test.ts as nobody: --meta clones by a user who may write the database.
cloneCliScenarios('nobody');
