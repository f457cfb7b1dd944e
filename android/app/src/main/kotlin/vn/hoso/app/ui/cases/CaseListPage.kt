// The caseload: a search box ("duc" finds "Đức": the core folds Vietnamese), chips for the step, overdue
// work and "mine", and the matching cases as the core orders them (overdue first).
package vn.hoso.app.ui.cases

import androidx.compose.foundation.clickable
import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.Search
import androidx.compose.material3.Badge
import androidx.compose.material3.FilterChip
import androidx.compose.material3.Icon
import androidx.compose.material3.ListItem
import androidx.compose.material3.ListItemDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import vn.hoso.app.R
import vn.hoso.app.ui.common.EmptyLine
import vn.hoso.app.ui.common.localized
import vn.hoso.core.CaseFilter
import vn.hoso.core.CaseListScreen
import vn.hoso.core.CaseRow

/** What the filters change; each change is one search of the caseload. */
class CaseFilterCallbacks(
    val onQuery: (String) -> Unit,
    val onStep: (UByte?) -> Unit,
    val onOverdueOnly: (Boolean) -> Unit,
    val onMineOnly: (Boolean) -> Unit,
)

@Composable
fun CaseListPage(
    filter: CaseFilter,
    state: CaseListScreen,
    filters: CaseFilterCallbacks,
    onOpenCase: (caseId: String) -> Unit,
    modifier: Modifier = Modifier,
    selectedCaseId: String? = null,
) {
    LazyColumn(modifier) {
        item { CaseFilters(filter, state, filters) }
        item {
            Text(
                stringResource(R.string.cases_matching, state.matching.toInt()),
                style = MaterialTheme.typography.labelMedium,
                modifier = Modifier.padding(horizontal = 16.dp, vertical = 4.dp),
            )
        }
        if (state.searchCapped) {
            item { EmptyLine(stringResource(R.string.search_type_more)) }
        }
        if (state.rows.isEmpty()) {
            item { EmptyLine(stringResource(R.string.cases_none)) }
        }
        items(state.rows, key = { it.caseId }) { row ->
            CaseRowItem(row, selected = row.caseId == selectedCaseId, onOpenCase = onOpenCase)
        }
    }
}

@Composable
private fun CaseFilters(filter: CaseFilter, state: CaseListScreen, filters: CaseFilterCallbacks) {
    Column(Modifier.padding(horizontal = 16.dp, vertical = 8.dp)) {
        OutlinedTextField(
            value = filter.query,
            onValueChange = filters.onQuery,
            leadingIcon = { Icon(Icons.Outlined.Search, contentDescription = null) },
            placeholder = { Text(stringResource(R.string.cases_search_hint)) },
            singleLine = true,
            modifier = Modifier.fillMaxWidth(),
        )
        Row(
            Modifier.horizontalScroll(rememberScrollState()).padding(top = 8.dp),
            horizontalArrangement = Arrangement.spacedBy(8.dp),
        ) {
            FilterChip(
                selected = filter.mineOnly,
                onClick = { filters.onMineOnly(!filter.mineOnly) },
                label = { Text(stringResource(R.string.cases_filter_mine)) },
            )
            FilterChip(
                selected = filter.overdueOnly,
                onClick = { filters.onOverdueOnly(!filter.overdueOnly) },
                label = { Text(stringResource(R.string.cases_filter_overdue)) },
            )
            state.perStep.forEachIndexed { index, count ->
                val step = (index + 1).toUByte()
                FilterChip(
                    selected = filter.step == step,
                    onClick = { filters.onStep(if (filter.step == step) null else step) },
                    label = { Text(stringResource(R.string.cases_filter_step, index + 1, count.toInt())) },
                )
            }
        }
    }
}

/** One case in a list: its subject, step, next follow-up and overdue count. */
@Composable
fun CaseRowItem(row: CaseRow, onOpenCase: (String) -> Unit, modifier: Modifier = Modifier, selected: Boolean = false) {
    val background = if (selected) MaterialTheme.colorScheme.secondaryContainer else MaterialTheme.colorScheme.surface
    ListItem(
        headlineContent = { Text(row.subjectName) },
        overlineContent = { Text(row.stage.label.localized()) },
        supportingContent = {
            val next = row.next
            val due = row.nextDue
            val birth = row.subjectBirth?.let { stringResource(R.string.born_on, it.text) }
            val line = listOfNotNull(
                birth,
                if (next != null && due != null) "${next.localized()} · ${due.text}" else null,
                if (row.mine) stringResource(R.string.cases_mine_marker) else null,
            ).joinToString(" · ")
            Text(line)
        },
        trailingContent = if (row.overdue > 0u) {
            { Badge(containerColor = MaterialTheme.colorScheme.error) { Text(row.overdue.toString()) } }
        } else {
            null
        },
        colors = ListItemDefaults.colors(containerColor = background),
        modifier = modifier.clickable { onOpenCase(row.caseId) },
    )
}
