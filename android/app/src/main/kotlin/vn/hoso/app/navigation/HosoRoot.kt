// The top of the app: the store opening (or failing to), the launch flow the core decides (enroll, choose
// a PIN, unlock), and once unlocked the main frame with the route pages.
package vn.hoso.app.navigation

import androidx.activity.compose.BackHandler
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.PersonAdd
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.getValue
import androidx.compose.runtime.saveable.rememberSaveableStateHolder
import androidx.compose.runtime.snapshotFlow
import androidx.compose.ui.res.stringResource
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.LocalViewModelStoreOwner
import vn.hoso.app.AppViewModel
import vn.hoso.app.Opening
import vn.hoso.app.R
import vn.hoso.app.platform.Platform
import vn.hoso.app.ui.HosoFrame
import vn.hoso.app.ui.common.LoadingBox
import vn.hoso.app.ui.common.ScreenStateBox
import vn.hoso.app.ui.common.errorText
import vn.hoso.app.ui.launch.OpenFailurePage
import vn.hoso.core.LaunchStage

@Composable
fun HosoRoot(appModel: AppViewModel, platform: Platform) {
    val opening by appModel.opening.collectAsStateWithLifecycle()
    when (val current = opening) {
        is Opening.InProgress -> LoadingBox()
        is Opening.Failed -> OpenFailurePage(errorText(current.error), onErase = appModel::eraseAndReopen)
        is Opening.Open -> LaunchGate(current, appModel, platform)
    }
}

@Composable
private fun LaunchGate(opened: Opening.Open, appModel: AppViewModel, platform: Platform) {
    val state by opened.launch.state.collectAsStateWithLifecycle()
    ScreenStateBox(state, onRetry = { opened.launch.load() }) { screen, busy ->
        when (screen.stage) {
            is LaunchStage.Enroll -> EnrollRoute(screen, busy, opened.launch, platform)
            is LaunchStage.ChoosePin -> ChoosePinRoute(screen, busy, opened.launch)
            is LaunchStage.Unlock -> UnlockRoute(screen, busy, opened.launch)
            is LaunchStage.Ready -> MainScreens(
                opened,
                appModel,
                platform,
                topLevelRoutes(
                    mayApprove = screen.user?.mayApprove == true,
                    // Whoever approves, or only reads (provincial staff), watches the area's figures.
                    oversees = screen.user?.let { it.mayApprove || !it.mayRecord } == true,
                ),
            )
        }
    }
}

@Composable
private fun MainScreens(opened: Opening.Open, appModel: AppViewModel, platform: Platform, destinations: List<Route>) {
    val navigator = appModel.navigator
    val saveable = rememberSaveableStateHolder()
    BackHandler(enabled = navigator.canGoBack) { navigator.back() }
    LaunchedEffect(navigator) {
        snapshotFlow { navigator.routes }.collect { routes -> appModel.routeStores.keepOnly(routes) }
    }
    HosoFrame(
        destinations = destinations,
        topLevel = navigator.topLevel,
        current = navigator.current,
        previous = navigator.previous,
        canGoBack = navigator.canGoBack,
        onSelectTopLevel = navigator::switchTo,
        onBack = navigator::back,
        actions = {
            if (navigator.topLevel == Route.Cases) {
                IconButton(onClick = { navigator.open(Route.NewCase, from = navigator.current) }) {
                    Icon(Icons.Outlined.PersonAdd, contentDescription = stringResource(R.string.new_case_title))
                }
            }
        },
    ) { route, modifier ->
        saveable.SaveableStateProvider(route.toString()) {
            CompositionLocalProvider(LocalViewModelStoreOwner provides appModel.routeStores.owner(route)) {
                val context = RouteContext(
                    calls = opened.calls,
                    launch = opened.launch,
                    platform = platform,
                    refreshKey = navigator.current,
                    navigate = { target -> navigator.open(target, from = route) },
                    back = navigator::back,
                )
                RoutePage(route, context, modifier)
            }
        }
    }
}
