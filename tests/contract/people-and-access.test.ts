import { SQL_BACKENDS } from '../support/sql-backends.js';
import { describePeopleContract } from './people/people-suite.js';

for (const backend of SQL_BACKENDS) describePeopleContract(backend.name, () => backend.open());
