import { runServiceMain } from '../runtime';
import { service } from './index';

runServiceMain(service);
