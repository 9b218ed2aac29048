#ifndef RAPPORT_APP_H
#define RAPPORT_APP_H
/* The interactive browser (src/ui/app.c): ncurses main loop over the tty,
 * the libpq socket and a signal self-pipe. */
#include "rapport/cli.h"

/* Runs the TUI until the user quits. Takes ownership of `d` (closes it).
 * Returns a process exit code. */
int app_run(const rapport_globals *g, db *d);

#endif
