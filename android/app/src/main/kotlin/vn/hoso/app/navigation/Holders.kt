// A presentation state holder for the route being drawn, kept in the route's own ViewModelStore and
// running its calls in that ViewModel's scope.
package vn.hoso.app.navigation

import androidx.compose.runtime.Composable
import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import kotlinx.coroutines.CoroutineScope

class HolderViewModel<H : Any>(create: (CoroutineScope) -> H) : ViewModel() {
    val holder: H = create(viewModelScope)
}

/** The current route's holder of type `H`, made by `create` the first time. */
@Composable
inline fun <reified H : Any> rememberHolder(noinline create: (CoroutineScope) -> H): H =
    viewModel(key = H::class.java.name) { HolderViewModel(create) }.holder
