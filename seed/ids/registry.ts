/**
 * Named ids of the registry fixtures. Prefixes by table: companies a100, aliases a200,
 * sources a300, watchlists a400, competitor links a500.
 */
export const COMPANY_AAPL = '00000000-0000-4000-a100-000000000001';
export const COMPANY_MSFT = '00000000-0000-4000-a100-000000000002';
export const COMPANY_NVDA = '00000000-0000-4000-a100-000000000003';
export const COMPANY_TSLA = '00000000-0000-4000-a100-000000000004';
export const COMPANY_JPM = '00000000-0000-4000-a100-000000000005';
export const COMPANY_XOM = '00000000-0000-4000-a100-000000000006';
/** Inactive (delisted): the risk engine rejects orders for it. */
export const COMPANY_DELISTED = '00000000-0000-4000-a100-000000000007';
/** Has no aliases, sources, competitors, documents or recommendations: empty nested lists. */
export const COMPANY_BARE = '00000000-0000-4000-a100-000000000008';
