/*
 * mirror-proto.h -- the mirror protocol (version 1, docs/MIRROR.md): how a
 * read-only co-host view follows the chair's console.
 *
 * JSON Lines. The mirror sends exactly one line, its hello (with the token
 * on TCP); the server dispatches nothing else from a mirror and closes a
 * connection that sends anything more. The server sends:
 *
 *   {"t":"hello","version":1,"mode":"live","event":"<event file text>"}
 *   {"t":"clock","mono":M,"wall":W,"speed":S,"paused":false}
 *   {"t":"row","seq":N,"kind":"toggle","args":"{…}","mono":M,"wall":W,
 *    "origin":"chair","undone":false}                    (the snapshot …)
 *   {"t":"flush","seq":N}                                 (… ends here)
 *   then per change: row / {"t":"undo","seq":N} lines, each group ending
 *   with a flush; and {"t":"clock",…} as a heartbeat every
 *   MIRROR_HEARTBEAT_MS. A view draws only at flush.
 *
 * A mirror replays the rows with the same model code as the chair, and
 * keeps time from the clock lines: session time = mono + elapsed * speed.
 */
#ifndef PODIUM_MIRROR_PROTO_H
#define PODIUM_MIRROR_PROTO_H

#define MIRROR_PROTO_VERSION 1
#define MIRROR_HEARTBEAT_MS 2000
#define MIRROR_LINE_MAX (1024 * 1024)    /* event text fits in one line */
#define MIRROR_HELLO_MAX 1024             /* the mirror's one line */

#endif /* PODIUM_MIRROR_PROTO_H */
