// The frame around the pages once the app is unlocked: a navigation bar (phone) or rail (tablet) with the
// user's top-level destinations (the supervisor's queue and figures for those who have them), a top bar with the way back, and — on a wide screen — the page under the current
// one beside it (list and detail).
package vn.hoso.app.ui

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.BoxWithConstraints
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxHeight
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.outlined.ArrowBack
import androidx.compose.material.icons.outlined.Approval
import androidx.compose.material.icons.outlined.Folder
import androidx.compose.material.icons.outlined.Insights
import androidx.compose.material.icons.outlined.Home
import androidx.compose.material.icons.outlined.Settings
import androidx.compose.material.icons.outlined.Sync
import androidx.compose.material.icons.outlined.Today
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TopAppBar
import androidx.compose.material3.VerticalDivider
import androidx.compose.material3.adaptive.navigationsuite.NavigationSuiteScaffold
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import vn.hoso.app.R
import vn.hoso.app.navigation.Route
import vn.hoso.app.ui.common.EmptyLine

/** From this width two pages show side by side (Material's "expanded" window class). */
private val TWO_PANES_FROM = 840.dp
private val LIST_PANE_WIDTH = 380.dp

@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun HosoFrame(
    destinations: List<Route>,
    topLevel: Route,
    current: Route,
    previous: Route?,
    canGoBack: Boolean,
    onSelectTopLevel: (Route) -> Unit,
    onBack: () -> Unit,
    actions: @Composable () -> Unit,
    page: @Composable (route: Route, modifier: Modifier) -> Unit,
) {
    NavigationSuiteScaffold(
        navigationSuiteItems = {
            destinations.forEach { route ->
                item(
                    selected = route == topLevel,
                    onClick = { onSelectTopLevel(route) },
                    icon = { Icon(icon(route), contentDescription = null) },
                    label = { Text(title(route)) },
                )
            }
        },
    ) {
        Scaffold(
            topBar = {
                TopAppBar(
                    title = { Text(title(topLevel)) },
                    navigationIcon = {
                        if (canGoBack) {
                            IconButton(onClick = onBack) {
                                Icon(Icons.AutoMirrored.Outlined.ArrowBack, contentDescription = stringResource(R.string.action_back))
                            }
                        }
                    },
                    actions = { actions() },
                )
            },
        ) { padding ->
            BoxWithConstraints(Modifier.fillMaxSize().padding(padding)) {
                val wide = maxWidth >= TWO_PANES_FROM
                if (wide && previous != null) {
                    Row(Modifier.fillMaxSize()) {
                        page(previous, Modifier.width(LIST_PANE_WIDTH).fillMaxHeight())
                        VerticalDivider()
                        page(current, Modifier.weight(1f).fillMaxHeight())
                    }
                } else if (wide && current != Route.Settings) {
                    Row(Modifier.fillMaxSize()) {
                        page(current, Modifier.width(LIST_PANE_WIDTH).fillMaxHeight())
                        VerticalDivider()
                        Box(Modifier.weight(1f).fillMaxHeight(), contentAlignment = Alignment.Center) {
                            EmptyLine(stringResource(R.string.pick_one))
                        }
                    }
                } else {
                    page(current, Modifier.fillMaxSize())
                }
            }
        }
    }
}

@Composable
private fun title(route: Route): String = stringResource(
    when (route) {
        Route.Cases -> R.string.section_cases
        Route.Households -> R.string.section_households
        Route.Sync -> R.string.section_sync
        Route.Settings -> R.string.section_settings
        Route.Approvals -> R.string.section_approvals
        Route.Oversight -> R.string.section_oversight
        else -> R.string.section_agenda
    },
)

private fun icon(route: Route): ImageVector = when (route) {
    Route.Cases -> Icons.Outlined.Folder
    Route.Households -> Icons.Outlined.Home
    Route.Sync -> Icons.Outlined.Sync
    Route.Settings -> Icons.Outlined.Settings
    Route.Approvals -> Icons.Outlined.Approval
    Route.Oversight -> Icons.Outlined.Insights
    else -> Icons.Outlined.Today
}
