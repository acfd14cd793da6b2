/** Named ids of the registry fixtures. */
export {};
