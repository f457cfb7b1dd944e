// One back stack of routes: a top-level destination at the bottom, what was opened from it above. On a
// tablet the two top entries show side by side (list and detail); on a phone only the top one.
package vn.hoso.app.navigation

import androidx.compose.runtime.derivedStateOf
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateListOf

class Navigator(start: Route = Route.Agenda) {
    private val stack = mutableStateListOf(start)

    val current: Route by derivedStateOf { stack.last() }
    val topLevel: Route by derivedStateOf { stack.first() }

    /** The entry under the current one, shown beside it on a tablet. */
    val previous: Route? by derivedStateOf { stack.getOrNull(stack.size - 2) }

    val canGoBack: Boolean by derivedStateOf { stack.size > 1 }

    /** Every route on the back stack. */
    val routes: List<Route> get() = stack.toList()

    /**
     * Opens `route` from the page showing `from`: whatever was open above `from` closes first, so a tap
     * in a tablet's list pane replaces the detail beside it, and a tap on a phone simply goes deeper.
     */
    fun open(route: Route, from: Route) {
        val index = stack.lastIndexOf(from)
        if (index >= 0) {
            while (stack.lastIndex > index) stack.removeAt(stack.lastIndex)
        }
        if (stack.last() != route) stack.add(route)
    }

    fun switchTo(topLevel: Route) {
        stack.clear()
        stack.add(topLevel)
    }

    fun back() {
        if (stack.size > 1) stack.removeAt(stack.lastIndex)
    }
}
