// Each open route's state holders live in a ViewModelStore of their own, kept by the app's ViewModel:
// they survive a rotation (an autosave in flight is not cancelled) and are cleared when the route leaves
// the back stack.
package vn.hoso.app.navigation

import androidx.lifecycle.ViewModelStore
import androidx.lifecycle.ViewModelStoreOwner

class RouteStores {
    private val stores = mutableMapOf<Route, ViewModelStore>()

    fun owner(route: Route): ViewModelStoreOwner {
        val store = stores.getOrPut(route) { ViewModelStore() }
        return object : ViewModelStoreOwner {
            override val viewModelStore: ViewModelStore = store
        }
    }

    /** Clears the holders of every route no longer open. */
    fun keepOnly(open: Collection<Route>) {
        stores.keys.filter { it !in open }.forEach { stores.remove(it)?.clear() }
    }

    /** Clears every route's holders (the app's ViewModel is cleared). */
    fun clear() {
        stores.values.forEach { it.clear() }
        stores.clear()
    }
}
