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

// Aliases (a200): AAPL has two, so a list of aliases has an order to check.
export const ALIAS_AAPL_APPLE = '00000000-0000-4000-a200-000000000001';
export const ALIAS_AAPL_US = '00000000-0000-4000-a200-000000000002';
export const ALIAS_MSFT_MICROSOFT = '00000000-0000-4000-a200-000000000003';
export const ALIAS_NVDA_NVIDIA = '00000000-0000-4000-a200-000000000004';
export const ALIAS_JPM_CHASE = '00000000-0000-4000-a200-000000000005';

// Sources (a300): one of each kind (NEWS, FILING, SOCIAL, RSS).
export const SOURCE_AAPL_NEWS = '00000000-0000-4000-a300-000000000001';
export const SOURCE_AAPL_FILING = '00000000-0000-4000-a300-000000000002';
export const SOURCE_MSFT_SOCIAL = '00000000-0000-4000-a300-000000000003';
export const SOURCE_NVDA_RSS = '00000000-0000-4000-a300-000000000004';
export const SOURCE_XOM_FILING = '00000000-0000-4000-a300-000000000005';

// Watchlists (a400).
/** Members: AAPL, MSFT, NVDA. */
export const WATCHLIST_MEGACAP_TECH = '00000000-0000-4000-a400-000000000001';
/** Has no members: the empty member list. */
export const WATCHLIST_EMPTY = '00000000-0000-4000-a400-000000000002';

// Competitor links (a500): company -> competitor, directed.
export const COMPETITOR_MSFT_AAPL = '00000000-0000-4000-a500-000000000001';
export const COMPETITOR_AAPL_MSFT = '00000000-0000-4000-a500-000000000002';
export const COMPETITOR_NVDA_MSFT = '00000000-0000-4000-a500-000000000003';
export const COMPETITOR_XOM_TSLA = '00000000-0000-4000-a500-000000000004';
