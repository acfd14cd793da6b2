/** Named ids of the query fixtures. */
export {};
