// Households: searched by the head's name, the address or a member's name; each row opens the household.
package vn.hoso.app.ui.households

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.Search
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
import vn.hoso.core.HouseholdListScreen

@Composable
fun HouseholdListPage(
    query: String,
    state: HouseholdListScreen,
    onQueryChange: (String) -> Unit,
    onOpenHousehold: (householdId: String) -> Unit,
    modifier: Modifier = Modifier,
    selectedHouseholdId: String? = null,
) {
    LazyColumn(modifier) {
        item {
            OutlinedTextField(
                value = query,
                onValueChange = onQueryChange,
                leadingIcon = { Icon(Icons.Outlined.Search, contentDescription = null) },
                placeholder = { Text(stringResource(R.string.households_search_hint)) },
                singleLine = true,
                modifier = Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 8.dp),
            )
        }
        item {
            Text(
                stringResource(R.string.households_matching, state.matching.toInt()),
                style = MaterialTheme.typography.labelMedium,
                modifier = Modifier.padding(horizontal = 16.dp, vertical = 4.dp),
            )
        }
        if (state.rows.isEmpty()) {
            item { EmptyLine(stringResource(R.string.households_none)) }
        }
        items(state.rows, key = { it.householdId }) { row ->
            val selected = row.householdId == selectedHouseholdId
            ListItem(
                headlineContent = { Text(row.headName) },
                supportingContent = { Text(row.address) },
                trailingContent = {
                    Text(
                        stringResource(R.string.households_counts, row.members.toInt(), row.cases.toInt()),
                        style = MaterialTheme.typography.labelSmall,
                    )
                },
                colors = ListItemDefaults.colors(
                    containerColor = if (selected) MaterialTheme.colorScheme.secondaryContainer else MaterialTheme.colorScheme.surface,
                ),
                modifier = Modifier.clickable { onOpenHousehold(row.householdId) },
            )
        }
    }
}
