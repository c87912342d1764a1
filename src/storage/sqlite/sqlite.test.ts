import { openSqliteStorage } from './index.js';
import { runStorageContract } from '../contract.js';

runStorageContract('sqlite', () => openSqliteStorage({ path: ':memory:', onFatal: () => {} }));
