// Protocol constants shared by the browser (client.ts) and the server (blind.ts). No imports.
export const RSABSSA_VARIANT = "RSABSSA-SHA384-PSS-Randomized";
/** RFC 9474 Randomized variants prepend a 32-byte random prefix in Prepare. */
export const TOKEN_PREFIX_BYTES = 32;
/** Random bytes the client draws for its message (the part before Prepare). */
export const TOKEN_MSG_BYTES = 32;
/** Length of the prepared message, which is the token that is signed, submitted and spent. */
export const TOKEN_BYTES = TOKEN_PREFIX_BYTES + TOKEN_MSG_BYTES;
/** PSS salt length of the variant (hLen of SHA-384). */
export const PSS_SALT_LENGTH = 48;
