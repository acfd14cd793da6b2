import { runServiceMain } from '../runtime';
import { service } from './index';

/** `tsx services/query/main.ts` with PORT and DATABASE_URL (contract 7 of the team brief). */
runServiceMain(service);
